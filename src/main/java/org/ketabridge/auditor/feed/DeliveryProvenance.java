package org.ketabridge.auditor.feed;

import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;
import org.ketabridge.mapping.Codes;
import org.ketabridge.mapping.DerivedId;
import org.ketabridge.record.RecordKind;

/**
 * "This record version reached the clinic's EHR at this time, as this resource there": a
 * Provenance in the auditors' store whose targets are the store's resource and the EHR's copy
 * (an absolute reference to it), activity transmit, occurred when the EHR confirmed the write.
 * The record's own Provenance (written with it) tells where it came from; this one tells where
 * it went.
 */
public final class DeliveryProvenance {

    private DeliveryProvenance() {
    }

    public static Provenance of(Clinic clinic, RecordKind kind, String recordId, int version, String ehrReference,
                                Instant sentAt, Instant now) {
        Provenance p = new Provenance();
        p.setId(DerivedId.of("delivery|" + clinic.id() + "|" + kind + "|" + recordId + "|" + version).id());
        p.addTarget(new Reference(StoreIds.reference(clinic, kind, recordId)));
        p.addTarget(new Reference(clinic.ehr().baseUrl().toString().replaceAll("/+$", "") + "/" + ehrReference));
        p.setOccurred(new DateTimeType(Date.from(sentAt)));
        p.setRecorded(Date.from(now));
        p.setActivity(new CodeableConcept(new Coding(Codes.LIFECYCLE, "transmit", "Transmit")));
        p.addAgent().setWho(new Reference().setDisplay("KetaBridge"))
                .setType(new CodeableConcept(new Coding(Codes.PROVENANCE_PARTICIPANT_TYPE, "performer", "Performer")));
        return p;
    }
}
