package org.ketabridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;

/**
 * An encounter's contract 1.1 fields (the Spravato REMS monitoring form's items the other records do
 * not carry) → one Observation each, tied to the Encounter and effective over the session:
 * {@code readyToLeaveMinutes} as a Quantity in minutes; {@code concomitantMedications} and
 * {@code adverseEvents} as one component per listed value, an empty list as the value {@code none}.
 * A field not sent ("not recorded") makes no Observation. Codes and displays from fhir-mapping/.
 */
final class SessionObservationsMapper {

    /** A list field: its record field, its item and component codes, and the CodeSystem of its values. */
    private record ListField(String field, String item, String component, String vocabulary) {
    }

    private static final List<ListField> LISTS = List.of(
            new ListField("concomitantMedications", "concomitant-medications", "medication-class-taken", "medication-class"),
            new ListField("adverseEvents", "adverse-events", "adverse-event", "adverse-event"));
    private static final String CODES = "session-observation";

    private final Terminology terms;

    SessionObservationsMapper(Terminology terms) {
        this.terms = terms;
    }

    /** Observations of ready-to-leave, concomitant medications and adverse events, each only when its field was sent. */
    List<MappedResource> map(Clinic clinic, JsonNode r, String patientRef, String encounterRef) {
        String encounterId = r.get("encounterId").asText();
        List<MappedResource> out = new ArrayList<>();
        if (r.hasNonNull("readyToLeaveMinutes")) {
            Observation o = base(r, "ready-to-leave", patientRef, encounterRef);
            Coding unit = terms.unit(clinic, "readyToLeaveMinutes");
            o.setValue(new Quantity().setValue(r.get("readyToLeaveMinutes").asInt())
                    .setUnit(unit.getDisplay()).setSystem(unit.getSystem()).setCode(unit.getCode()));
            out.add(identified(clinic, encounterId, "ready-to-leave", o));
        }
        for (ListField list : LISTS) {
            JsonNode values = r.get(list.field());
            if (values == null || !values.isArray()) {
                continue;
            }
            Observation o = base(r, list.item(), patientRef, encounterRef);
            if (values.isEmpty()) {
                // Recorded as none: an explicit answer, unlike a field not sent (no Observation).
                o.setValue(code(CODES, "none"));
            }
            for (JsonNode value : values) {
                o.addComponent().setCode(code(CODES, list.component())).setValue(code(list.vocabulary(), value.asText()));
            }
            out.add(identified(clinic, encounterId, list.item(), o));
        }
        return out;
    }

    private Observation base(JsonNode r, String item, String patientRef, String encounterRef) {
        Observation o = new Observation();
        o.getMeta().addProfile(Codes.PROFILE_SESSION_OBSERVATION);
        o.setStatus(ObservationStatus.FINAL);
        o.addCategory(Codes.category("survey"));
        o.setCode(code(CODES, item));
        o.setSubject(new Reference(patientRef));
        o.setEncounter(new Reference(encounterRef));
        Period session = new Period().setStartElement(new DateTimeType(r.get("start").asText()));
        if (r.hasNonNull("end")) {
            session.setEndElement(new DateTimeType(r.get("end").asText()));
        }
        o.setEffective(session);
        return o;
    }

    private CodeableConcept code(String vocabulary, String code) {
        return Codes.concept(List.of(), terms.local(vocabulary, code));
    }

    private static MappedResource identified(Clinic clinic, String encounterId, String item, Observation o) {
        Identifier id = Identity.sessionObservation(clinic, encounterId, item);
        o.addIdentifier(id);
        return new MappedResource(o, id.getSystem(), id.getValue(), Identity.placeholder(id));
    }
}
