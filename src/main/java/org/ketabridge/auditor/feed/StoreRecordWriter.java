package org.ketabridge.auditor.feed;

import java.time.Clock;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Provenance;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.StoreQueue.StoreTask;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.outcome.Outcome;
import org.ketabridge.outcome.ScoreOutcomes;
import org.ketabridge.record.RecordKind;
import org.ketabridge.record.RecordReferences;
import org.ketabridge.validation.ResourceValidator;
import org.ketabridge.validation.VersionValidation;
import org.springframework.stereotype.Component;

/**
 * What one record version puts into the auditors' store: the same FHIR the EHR receives (the same
 * mapper; validated once per version, by whichever path maps it first: {@link VersionValidation}),
 * with the store's own ids in place of the EHR's, as a transaction for the clinic's partition
 * (written alone, or with others by {@link StoreBatchWriter}). Each resource goes to the id its
 * identifier determines ({@link StoreIds}), so references need no lookup and a retry changes
 * nothing. Once the version has reached its EHR, a {@link DeliveryProvenance} says when and as what.
 */
@Component("storeRecordWriter")
public class StoreRecordWriter {

    private final RecordVersions records;
    private final ClinicRegistry clinics;
    private final ScoreOutcomes outcomes;
    private final FhirMapper mapper;
    private final VersionValidation validation;
    private final ResourceValidator validator;
    private final AuditorStore store;
    private final Clock clock;

    public StoreRecordWriter(RecordVersions records, ClinicRegistry clinics, ScoreOutcomes outcomes, FhirMapper mapper,
                             VersionValidation validation, ResourceValidator validator, AuditorStore store, Clock clock) {
        this.records = records;
        this.clinics = clinics;
        this.outcomes = outcomes;
        this.mapper = mapper;
        this.validation = validation;
        this.validator = validator;
        this.store = store;
        this.clock = clock;
    }

    /** Writes one record version alone, in a transaction of its own. */
    public void write(StoreTask task) {
        store.storeRecord(task.clinicId(), transactionOf(task));
    }

    /** The transaction that puts one record version (and its delivery, once known) into the store. */
    public Bundle transactionOf(StoreTask task) {
        StoredVersion v = records.byId(task.recordVersionId());
        Clinic clinic = clinics.find(v.clinicId()).orElseThrow(() ->
                new IllegalStateException("clinic " + v.clinicId() + " is no longer configured"));
        RecordKind kind = RecordKind.valueOf(v.kind());
        Bundle transaction;
        if (task.storedBefore() && task.isDelivered()) {
            // Stored already; what is new is that it reached the EHR.
            transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        } else {
            Outcome outcome = kind == RecordKind.SCORE ? outcomes.of(v).orElse(null) : null;
            RecordReferences refers = RecordReferences.of(kind, v.recordId(), v.patientMrn(), v.encounterId(),
                    outcome == null ? null : outcome.baselineScoreId());
            MappedRecord mapped = mapper.map(new MappingInput(clinic, kind, v.recordId(), v.version(), v.content(),
                    v.warnings(), v.receiptId(), v.receivedAt(), references(clinic, refers), outcome));
            validation.check(v.id(), clinic.id(), mapped);
            transaction = transaction(mapped);
        }
        if (task.isDelivered()) {
            Provenance delivery = DeliveryProvenance.of(clinic, kind, v.recordId(), v.version(), task.ehrReference(),
                    task.sentAt().toInstant(), clock.instant());
            List<String> errors = validator.errors(delivery);
            if (!errors.isEmpty()) {
                throw new MappingException("the delivery Provenance of " + kind + " " + v.recordId() + " fails FHIR validation: "
                        + String.join("; ", errors));
            }
            transaction.addEntry().setResource(delivery).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl("Provenance/" + delivery.getIdElement().getIdPart());
        }
        return transaction;
    }

    /**
     * What a record refers to, as the store knows it: at the ids their identifiers determine
     * (nothing to wait for: an id is known before its resource is stored).
     */
    public static TargetReferences references(Clinic clinic, RecordReferences refers) {
        return TargetReferences.of(refers, ref -> StoreIds.reference(clinic, ref.kind(), ref.recordId()));
    }

    /** A record's resources as one store transaction: each PUT to the id its identifier determines. */
    public static Bundle transaction(MappedRecord mapped) {
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
