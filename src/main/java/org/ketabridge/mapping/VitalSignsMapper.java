package org.ketabridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;

/** One vital set → vital-signs Observations in the FHIR vital-signs shapes (blood pressure as one, with two components). */
final class VitalSignsMapper {

    /** The FHIR R4 vital-signs profile of each simple measure. */
    private static final Map<String, String> VITAL_PROFILES = Map.of(
            "heartRate", "heartrate", "respiratoryRate", "resprate", "spo2", "oxygensat");

    private final Terminology terms;

    VitalSignsMapper(Terminology terms) {
        this.terms = terms;
    }

    List<MappedResource> map(Clinic clinic, String encounterId, OffsetDateTime at, JsonNode set,
                             String patientRef, String encounterRef) {
        List<MappedResource> out = new ArrayList<>();
        if (set.hasNonNull("systolic")) {
            Observation bp = base(patientRef, encounterRef, at, "vital-signs", code(clinic, "bp"));
            bp.getMeta().addProfile(Codes.VITALS + "bp");
            bp.addComponent().setCode(code(clinic, "systolic")).setValue(quantity(clinic, set, "systolic"));
            bp.addComponent().setCode(code(clinic, "diastolic")).setValue(quantity(clinic, set, "diastolic"));
            out.add(identified(clinic, encounterId, at, "bp", bp));
        }
        addSimple(out, clinic, encounterId, at, set, "heartRate", "hr", patientRef, encounterRef);
        addSimple(out, clinic, encounterId, at, set, "respiratoryRate", "rr", patientRef, encounterRef);
        addSimple(out, clinic, encounterId, at, set, "spo2", "spo2", patientRef, encounterRef);
        if (set.hasNonNull("sedation")) {
            // MOAA/S is an assessment scale, not a vital sign: a survey Observation, KetaBridge's own code.
            Observation sedation = base(patientRef, encounterRef, at, "survey",
                    Codes.concept(List.of(), terms.local("instrument", "MOAA-S")));
            sedation.setValue(new IntegerType(set.get("sedation").asInt()));
            out.add(identified(clinic, encounterId, at, "sedation", sedation));
        }
        return out;
    }

    private void addSimple(List<MappedResource> out, Clinic clinic, String encounterId, OffsetDateTime at, JsonNode set,
                           String field, String measure, String patientRef, String encounterRef) {
        if (!set.hasNonNull(field)) {
            return;
        }
        Observation o = base(patientRef, encounterRef, at, "vital-signs", code(clinic, field));
        o.getMeta().addProfile(Codes.VITALS + VITAL_PROFILES.get(field));
        o.setValue(quantity(clinic, set, field));
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

    /** The LOINC code(s) of a measure of the contract, from ConceptMap-vital-sign. */
    private CodeableConcept code(Clinic clinic, String measure) {
        List<Coding> codings = terms.translate(clinic, "vital-sign", measure);
        if (codings.isEmpty()) {
            throw new MappingException("no code for measure '" + measure + "' in ConceptMap-vital-sign");
        }
        return Codes.concept(codings, null);
    }

    private Quantity quantity(Clinic clinic, JsonNode set, String measure) {
        Coding unit = terms.unit(clinic, measure);
        return new Quantity().setValue(set.get(measure).decimalValue())
                .setUnit(unit.getDisplay()).setSystem(unit.getSystem()).setCode(unit.getCode());
    }
}
