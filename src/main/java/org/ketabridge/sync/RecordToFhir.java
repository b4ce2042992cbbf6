package org.ketabridge.sync;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.mapping.ResourceReferences;
import org.ketabridge.validation.VersionValidation;
import org.springframework.stereotype.Component;

/** The mapping step of a sync route: the stored record, with its resolved references, becomes valid FHIR. */
@Component("recordToFhir")
public class RecordToFhir implements Processor {

    private final FhirMapper mapper;
    private final VersionValidation validation;
    private final SharedResourceClaims shared;
    private final TaskClaims claims;
    private final FhirContext fhir;

    public RecordToFhir(FhirMapper mapper, VersionValidation validation, SharedResourceClaims shared,
                        TaskClaims claims, FhirContext fhir) {
        this.fhir = fhir;
        this.mapper = mapper;
        this.validation = validation;
        this.shared = shared;
        this.claims = claims;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        var v = work.version();
        MappedRecord mapped = mapper.map(new MappingInput(work.clinic(), work.kind(), v.recordId(), v.version(),
                v.content(), v.warnings(), v.receiptId(), v.receivedAt(), work.references(), work.outcome()));
        // Nothing leaves that does not validate: a failure dead-letters the record with the messages.
        validation.check(v.id(), work.clinic().id(), mapped);
        // References to records the EHR will never hold (a type it does not accept) go, once validated as mapped.
        mapped.resources().forEach(r -> ResourceReferences.drop(fhir, r.resource(), work.notInEhr()));
        // Shared resources the EHR holds already are referred to by its ids, not written again.
        work.mapped(shared.forTheEhr(work, mapped));
        // The last look before the EHR: the task must still be this process's, its lease running.
        if (!claims.stillOurs(work.task().id())) {
            throw new TaskClaimLostException();
        }
    }
}
