package org.ketabridge.sync;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.mapping.v2.V2Input;
import org.ketabridge.mapping.v2.V2Messages;
import org.springframework.stereotype.Component;

/**
 * The HL7 v2 step of an hl7v2 clinic's sync route (issue 14), after {@code recordToFhir}: the
 * record version, with the FHIR it was mapped to (and validated), becomes its message (mapping/v2:
 * no I/O). Its control id comes from the version's row id and its task's replay count, so every
 * retry or resend sends the same one and a replayed dead letter a new one.
 */
@Component("recordToHl7v2")
public class RecordToHl7v2 implements Processor {

    private final Clock clock;

    public RecordToHl7v2(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        var v = work.version();
        work.message(V2Messages.build(new V2Input(work.clinic(), work.kind(), v.id(), work.task().replays(), v.recordId(), v.version(), v.content(),
                work.mapped()), clock.instant()));
    }
}
