package org.ketabridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;

/** One vital set → vital-signs Observations in the FHIR vital-signs shapes (blood pressure as one, with two components). */
final class VitalSignsMapper {

    List<MappedResource> map(Clinic clinic, String encounterId, OffsetDateTime at, JsonNode set,
                             String patientRef, String encounterRef) {
        List<MappedResource> out = new ArrayList<>();
        if (set.hasNonNull("systolic")) {
            Observation bp = base(patientRef, encounterRef, at, "vital-signs",
                    Codes.concept(new Coding(Codes.LOINC, "85354-9", "Blood pressure panel with all children optional")));
            bp.addComponent().setCode(Codes.concept(new Coding(Codes.LOINC, "8480-6", "Systolic blood pressure")))
                    .setValue(quantity(set.get("systolic").decimalValue(), "mm[Hg]", "mmHg"));
            bp.addComponent().setCode(Codes.concept(new Coding(Codes.LOINC, "8462-4", "Diastolic blood pressure")))
                    .setValue(quantity(set.get("diastolic").decimalValue(), "mm[Hg]", "mmHg"));
            out.add(identified(clinic, encounterId, at, "bp", bp));
        }
        addSimple(out, clinic, encounterId, at, set, "heartRate", "hr", patientRef, encounterRef,
                Codes.concept(new Coding(Codes.LOINC, "8867-4", "Heart rate")), "/min", "beats/minute");
        addSimple(out, clinic, encounterId, at, set, "respiratoryRate", "rr", patientRef, encounterRef,
                Codes.concept(new Coding(Codes.LOINC, "9279-1", "Respiratory rate")), "/min", "breaths/minute");
        addSimple(out, clinic, encounterId, at, set, "spo2", "spo2", patientRef, encounterRef,
                Codes.concept(new Coding(Codes.LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
                        new Coding(Codes.LOINC, "2708-6", "Oxygen saturation in Arterial blood")), "%", "%");
        if (set.hasNonNull("sedation")) {
            // MOAA/S is an assessment scale, not a vital sign: a survey Observation, KetaBridge's own code.
            Observation sedation = base(patientRef, encounterRef, at, "survey",
                    Codes.concept(Codes.local("MOAA-S", "Modified Observer's Assessment of Alertness/Sedation")));
            sedation.setValue(new IntegerType(set.get("sedation").asInt()));
            out.add(identified(clinic, encounterId, at, "sedation", sedation));
        }
        return out;
    }

    private void addSimple(List<MappedResource> out, Clinic clinic, String encounterId, OffsetDateTime at, JsonNode set,
                           String field, String measure, String patientRef, String encounterRef,
                           CodeableConcept code, String ucum, String unit) {
        if (!set.hasNonNull(field)) {
            return;
        }
        Observation o = base(patientRef, encounterRef, at, "vital-signs", code);
        o.setValue(quantity(set.get(field).decimalValue(), ucum, unit));
        out.add(identified(clinic, encounterId, at, measure, o));
    }

    private static Observation base(String patientRef, String encounterRef, OffsetDateTime at, String category,
                                    CodeableConcept code) {
        Observation o = new Observation();
        o.setStatus(ObservationStatus.FINAL);
        o.addCategory(Codes.category(category));
        o.setCode(code);
        o.setSubject(new Reference(patientRef));
        o.setEncounter(new Reference(encounterRef));
        o.setEffective(new DateTimeType(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at)));
        return o;
    }

    private static MappedResource identified(Clinic clinic, String encounterId, OffsetDateTime at, String measure,
                                             Observation o) {
        Identifier id = Identity.vital(clinic, encounterId, at, measure);
        o.addIdentifier(id);
        return new MappedResource(o, id.getSystem(), id.getValue(), Identity.placeholder(id));
    }

    private static Quantity quantity(BigDecimal value, String ucum, String unit) {
        return new Quantity().setValue(value).setUnit(unit).setSystem(Codes.UCUM).setCode(ucum);
    }
}
