package org.ketabridge.auditor.feed;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;
import org.ketabridge.mapping.Identity;
import org.ketabridge.record.RecordKind;

/**
 * "This record version reached the clinic's EHR at this time, as this resource there": a
 * Provenance in the auditors' store whose targets are the store's resource and the EHR's copy
 * (an absolute reference to it), activity transmit, occurred when the EHR confirmed the write.
 * The record's own Provenance (written with it) tells where it came from; this one tells where
 * it went.
 */
public final class DeliveryProvenance {

    static final String LIFECYCLE = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle";

    private DeliveryProvenance() {
    }

    public static Provenance of(Clinic clinic, RecordKind kind, String recordId, int version, String ehrReference,
                                Instant sentAt, Instant now) {
        Provenance p = new Provenance();
        String key = "delivery|" + clinic.id() + "|" + kind + "|" + recordId + "|" + version;
        p.setId("kb-" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString().replace("-", ""));
        p.addTarget(new Reference(storeReference(clinic, kind, recordId)));
        p.addTarget(new Reference(clinic.ehr().baseUrl().toString().replaceAll("/+$", "") + "/" + ehrReference));
        p.setOccurred(new org.hl7.fhir.r4.model.DateTimeType(Date.from(sentAt)));
        p.setRecorded(Date.from(now));
        p.setActivity(new CodeableConcept(new Coding(LIFECYCLE, "transmit", "Transmit")));
        p.addAgent().setWho(new Reference().setDisplay("KetaBridge"))
                .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                        "performer", "Performer")));
        return p;
    }

    /** The store's resource for a record: its main resource, at the id its identifier determines. */
    static String storeReference(Clinic clinic, RecordKind kind, String recordId) {
        return switch (kind) {
            case PATIENT -> "Patient/" + StoreIds.of(Identity.patient(clinic, recordId));
            case ENCOUNTER -> "Encounter/" + StoreIds.of(Identity.encounter(clinic, recordId));
            case DOSE -> "MedicationAdministration/" + StoreIds.of(Identity.dose(clinic, recordId));
            case SCORE -> "Observation/" + StoreIds.of(Identity.score(clinic, recordId));
        };
    }
}
