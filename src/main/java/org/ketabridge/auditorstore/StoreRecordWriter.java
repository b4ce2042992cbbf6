package org.ketabridge.auditorstore;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.RecordKind;
import org.ketabridge.mapping.EhrReferences;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.Identity;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.mapping.ResourceValidator;
import org.ketabridge.outcome.Outcome;
import org.ketabridge.outcome.ScoreOutcomes;
import org.ketabridge.store.RecordStore;
import org.ketabridge.store.StoreQueue.StoreTask;
import org.ketabridge.store.StoredVersion;
import org.springframework.stereotype.Component;

/**
 * Puts one record version into the auditors' store: the same FHIR the EHR receives (the same
 * mapper, the same validation), with the store's own ids in place of the EHR's, written as one
 * transaction into the clinic's partition. Each resource goes to the id its identifier
 * determines ({@link StoreIds}), so references need no lookup and a retry changes nothing.
 */
@Component("storeRecordWriter")
public class StoreRecordWriter implements Processor {

    private final RecordStore records;
    private final ClinicRegistry clinics;
    private final ScoreOutcomes outcomes;
    private final FhirMapper mapper;
    private final ResourceValidator validator;
    private final AuditorStore store;

    public StoreRecordWriter(RecordStore records, ClinicRegistry clinics, ScoreOutcomes outcomes, FhirMapper mapper,
                             ResourceValidator validator, AuditorStore store) {
        this.records = records;
        this.clinics = clinics;
        this.outcomes = outcomes;
        this.mapper = mapper;
        this.validator = validator;
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        StoreTask task = exchange.getIn().getBody(StoreTask.class);
        StoredVersion v = records.byId(task.recordVersionId());
        Clinic clinic = clinics.find(v.clinicId()).orElseThrow(() ->
                new IllegalStateException("clinic " + v.clinicId() + " is no longer configured"));
        RecordKind kind = RecordKind.valueOf(v.kind());
        Outcome outcome = kind == RecordKind.SCORE ? outcomes.of(v).orElse(null) : null;
        MappedRecord mapped = mapper.map(new MappingInput(clinic, kind, v.recordId(), v.version(), v.content(),
                v.warnings(), v.receiptId(), v.receivedAt(), references(clinic, kind, v, outcome), outcome));
        validator.check(mapped);
        store.transaction(clinic.id(), transaction(mapped));
    }

    private static EhrReferences references(Clinic clinic, RecordKind kind, StoredVersion v, Outcome outcome) {
        if (kind == RecordKind.PATIENT) {
            return new EhrReferences(null, null);
        }
        String patient = "Patient/" + StoreIds.of(Identity.patient(clinic, v.patientMrn()));
        String encounter = kind != RecordKind.ENCOUNTER && v.encounterId() != null
                ? "Encounter/" + StoreIds.of(Identity.encounter(clinic, v.encounterId())) : null;
        String baseline = outcome != null && !outcome.baselineScoreId().equals(v.recordId())
                ? "Observation/" + StoreIds.of(Identity.score(clinic, outcome.baselineScoreId())) : null;
        return new EhrReferences(patient, encounter, baseline);
    }

    private static Bundle transaction(MappedRecord mapped) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (MappedResource r : mapped.resources()) {
            String id = r.writtenById() ? r.resource().getIdElement().getIdPart() : StoreIds.of(r.identifierSystem(), r.identifierValue());
            r.resource().setId(id);
            bundle.addEntry()
                    .setFullUrl(r.placeholder())
                    .setResource(r.resource())
                    .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(r.resourceType() + "/" + id);
        }
        return bundle;
    }
}
