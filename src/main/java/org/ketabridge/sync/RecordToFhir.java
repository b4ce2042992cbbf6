package org.ketabridge.sync;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.validation.VersionValidation;
import org.springframework.stereotype.Component;

/** The mapping step of a sync route: the stored record, with its resolved references, becomes valid FHIR. */
@Component("recordToFhir")
public class RecordToFhir implements Processor {

    private final FhirMapper mapper;
    private final VersionValidation validation;
    private final SyncQueue queue;
    private final Clock clock;
    private final SharedResourceClaims shared;

    public RecordToFhir(FhirMapper mapper, VersionValidation validation, SyncQueue queue, Clock clock,
                        SharedResourceClaims shared) {
        this.mapper = mapper;
        this.validation = validation;
        this.queue = queue;
        this.clock = clock;
        this.shared = shared;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        var v = work.version();
        MappedRecord mapped = mapper.map(new MappingInput(work.clinic(), work.kind(), v.recordId(), v.version(),
                v.content(), v.warnings(), v.receiptId(), v.receivedAt(), work.references(), work.outcome()));
        // Nothing leaves that does not validate: a failure dead-letters the record with the messages.
        validation.check(v.id(), mapped);
        // Shared resources the EHR holds already are referred to by its ids, not written again.
        work.mapped(shared.forTheEhr(work, mapped));
        queue.markMapped(work.task().id(), clock.instant());
    }
}
