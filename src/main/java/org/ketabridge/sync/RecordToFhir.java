package org.ketabridge.sync;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.store.SyncQueue;
import org.springframework.stereotype.Component;

/** The mapping step of a sync route: the stored record, with its resolved references, becomes FHIR. */
@Component("recordToFhir")
public class RecordToFhir implements Processor {

    private final FhirMapper mapper;
    private final SyncQueue queue;
    private final Clock clock;

    public RecordToFhir(FhirMapper mapper, SyncQueue queue, Clock clock) {
        this.mapper = mapper;
        this.queue = queue;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        work.mapped(mapper.map(work.clinic(), work.kind(), work.version().content(), work.references()));
        queue.markMapped(work.task().id(), clock.instant());
    }
}
