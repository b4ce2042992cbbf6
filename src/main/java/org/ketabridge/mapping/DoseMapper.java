package org.ketabridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration.MedicationAdministrationDosageComponent;
import org.hl7.fhir.r4.model.MedicationAdministration.MedicationAdministrationStatus;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;

/**
 * dose record → MedicationAdministration. The drug and its lot travel as a contained Medication
 * (the lot is a property of the product given, not of the act); the waste witness is a performer
 * with function witness; the wasted amount has no FHIR element and goes in a KetaBridge extension.
 */
final class DoseMapper {

    private final Terminology terms;

    DoseMapper(Terminology terms) {
        this.terms = terms;
    }

    MappedRecord map(Clinic clinic, JsonNode r, TargetReferences refs, JsonNode warnings) {
        Identifier id = Identity.dose(clinic, r.get("doseId").asText());
        MedicationAdministration ma = new MedicationAdministration();
        ma.getMeta().addProfile(Codes.PROFILE_ADMINISTRATION);
        ma.addIdentifier(id);
        String status = r.get("status").asText();
        ma.setStatus(MedicationAdministrationStatus.fromCode(status));
        if (r.hasNonNull("statusReason")) {
            String reason = r.get("statusReason").asText();
            ma.addStatusReason(Codes.concept(List.of(), terms.local("status-reason", reason)));
        }
        ma.setMedication(new Reference("#med"));
        ma.addContained(medication(clinic, r));
        ma.setSubject(new Reference(refs.patient()));
        ma.setContext(new Reference(refs.encounter()));
        DateTimeType start = new DateTimeType(r.get("start").asText());
        if (r.hasNonNull("end")) {
            ma.setEffective(new Period().setStartElement(start).setEndElement(new DateTimeType(r.get("end").asText())));
        } else {
            ma.setEffective(start);
        }
        if (r.hasNonNull("administeredByNpi")) {
            ma.addPerformer()
                    .setFunction(Codes.concept(List.of(new Coding(Codes.PERFORM_FUNCTION, "performer", "Performer")), null))
                    .setActor(npi(r.get("administeredByNpi").asText()));
        }
        if (r.hasNonNull("wasteWitnessNpi")) {
            ma.addPerformer()
                    .setFunction(Codes.concept(List.of(new Coding(Codes.PERFORM_FUNCTION, "witness", "Witness")), null))
                    .setActor(npi(r.get("wasteWitnessNpi").asText()));
        }
        if (r.hasNonNull("wastedMg")) {
            ma.addExtension(Codes.KB_WASTED_AMOUNT, quantity(clinic, r, "wastedMg"));
        }
        for (JsonNode warning : warnings) {
            // Plausibility warnings travel with the dose, where the clinician reading it will see them.
            ma.addNote().setText("KetaBridge warning (" + warning.path("field").asText() + "): "
                    + warning.path("message").asText());
        }
        // Always a dosage: the route is a fact of every dose, given or not (a planned route is still the route).
        ma.setDosage(dosage(clinic, r));
        MappedResource administration = new MappedResource(ma, id.getSystem(), id.getValue(), Identity.placeholder(id));
        if (!r.hasNonNull("weightKg")) {
            return new MappedRecord(List.of(administration));
        }
        // The body weight used for dosing: its own Observation, referenced from the administration.
        MappedResource weight = weight(clinic, r, refs);
        ma.addSupportingInformation(new Reference(weight.placeholder()));
        return new MappedRecord(List.of(weight, administration), administration);
    }

    private Medication medication(Clinic clinic, JsonNode r) {
        Medication m = new Medication();
        m.setId("med");
        String drug = r.get("medication").asText();
        m.setCode(Codes.concept(terms.translate(clinic, "medication", drug), terms.local("medication", drug)));
        if (r.hasNonNull("lotNumber")) {
            m.getBatch().setLotNumber(r.get("lotNumber").asText());
        }
        return m;
    }

    private MedicationAdministrationDosageComponent dosage(Clinic clinic, JsonNode r) {
        MedicationAdministrationDosageComponent d = new MedicationAdministrationDosageComponent();
        String route = r.get("route").asText();
        d.setRoute(Codes.concept(terms.translate(clinic, "route", route), terms.local("route", route)));
        List<Coding> method = terms.translate(clinic, "administration-method", route);
        if (!method.isEmpty()) {
            d.setMethod(Codes.concept(method, null));
        }
        if (r.hasNonNull("doseMg")) {
            d.setDose(quantity(clinic, r, "doseMg"));
        } else if (!r.hasNonNull("rateMgPerKgPerHour")) {
            // A dose not done, sent without an amount (the contract allows it). FHIR's mad-1 wants a
            // dose or a rate beside the route; the amount given was none: 0 mg, as the contract's
            // HL7 mapping writes a dose not given (RXA-6).
            d.setDose(quantity(clinic, "doseMg", BigDecimal.ZERO));
        }
        if (r.hasNonNull("rateMgPerKgPerHour")) {
            d.setRate(quantity(clinic, r, "rateMgPerKgPerHour"));
        }
        if (r.hasNonNull("doseMgPerKg")) {
            d.setText(r.get("doseMgPerKg").decimalValue().toPlainString() + " mg/kg");
        }
        return d;
    }

    private Quantity quantity(Clinic clinic, JsonNode r, String measure) {
        return quantity(clinic, measure, r.get(measure).decimalValue());
    }

    private Quantity quantity(Clinic clinic, String measure, BigDecimal value) {
        Coding unit = terms.unit(clinic, measure);
        return new Quantity().setValue(value)
                .setUnit(unit.getDisplay()).setSystem(unit.getSystem()).setCode(unit.getCode());
    }

    private static Reference npi(String npi) {
        return new Reference().setIdentifier(new Identifier().setSystem(Codes.NPI).setValue(npi));
    }

    private MappedResource weight(Clinic clinic, JsonNode r, TargetReferences refs) {
        Identifier id = Identity.doseWeight(clinic, r.get("doseId").asText());
        Observation o = new Observation();
        o.getMeta().addProfile(Codes.VITALS + "bodyweight");
        o.addIdentifier(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(Codes.category("vital-signs"));
        o.setCode(Codes.concept(terms.translate(clinic, "vital-sign", "weightKg"), null));
        o.setSubject(new Reference(refs.patient()));
        o.setEncounter(new Reference(refs.encounter()));
        o.setEffective(new DateTimeType(r.get("start").asText()));
        o.setValue(quantity(clinic, r, "weightKg"));
        return new MappedResource(o, id.getSystem(), id.getValue(), Identity.placeholder(id));
    }
}
