package org.ketabridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationAdministration.MedicationAdministrationDosageComponent;
import org.hl7.fhir.r4.model.MedicationAdministration.MedicationAdministrationStatus;
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

    MappedRecord map(Clinic clinic, JsonNode r, EhrReferences refs) {
        Identifier id = Identity.dose(clinic, r.get("doseId").asText());
        MedicationAdministration ma = new MedicationAdministration();
        ma.addIdentifier(id);
        String status = r.get("status").asText();
        ma.setStatus(MedicationAdministrationStatus.fromCode(status));
        if (r.hasNonNull("statusReason")) {
            String reason = r.get("statusReason").asText();
            ma.addStatusReason(Codes.concept(Codes.local(reason, reason)));
        }
        ma.setMedication(new Reference("#med"));
        ma.addContained(medication(r));
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
                    .setFunction(Codes.concept(new Coding(Codes.PERFORM_FUNCTION, "performer", "Performer")))
                    .setActor(npi(r.get("administeredByNpi").asText()));
        }
        if (r.hasNonNull("wasteWitnessNpi")) {
            ma.addPerformer()
                    .setFunction(Codes.concept(new Coding(Codes.PERFORM_FUNCTION, "witness", "Witness")))
                    .setActor(npi(r.get("wasteWitnessNpi").asText()));
        }
        if (r.hasNonNull("wastedMg")) {
            ma.addExtension(Codes.KB_WASTED_AMOUNT, mg(r.get("wastedMg")));
        }
        ma.setDosage(dosage(r));
        return new MappedRecord(List.of(new MappedResource(ma, id.getSystem(), id.getValue(), Identity.placeholder(id))));
    }

    private static Medication medication(JsonNode r) {
        Medication m = new Medication();
        m.setId("med");
        Coding drug = Codes.MEDICATIONS.get(r.get("medication").asText());
        m.setCode(Codes.concept(drug));
        if (r.hasNonNull("lotNumber")) {
            m.getBatch().setLotNumber(r.get("lotNumber").asText());
        }
        return m;
    }

    private static MedicationAdministrationDosageComponent dosage(JsonNode r) {
        MedicationAdministrationDosageComponent d = new MedicationAdministrationDosageComponent();
        String route = r.get("route").asText();
        d.setRoute(Codes.concept(Codes.ROUTES.get(route)));
        if ("IV".equals(route)) {
            d.setMethod(Codes.concept(Codes.IV_INFUSION));
        }
        if (r.hasNonNull("doseMg")) {
            d.setDose(new org.hl7.fhir.r4.model.Quantity().setValue(r.get("doseMg").decimalValue())
                    .setUnit("mg").setSystem(Codes.UCUM).setCode("mg"));
        }
        if (r.hasNonNull("rateMgPerKgPerHour")) {
            d.setRate(new Quantity().setValue(r.get("rateMgPerKgPerHour").decimalValue())
                    .setUnit("mg/kg/h").setSystem(Codes.UCUM).setCode("mg/kg/h"));
        }
        if (r.hasNonNull("doseMgPerKg")) {
            d.setText(r.get("doseMgPerKg").decimalValue().toPlainString() + " mg/kg");
        }
        return d;
    }

    private static Quantity mg(JsonNode value) {
        return new Quantity().setValue(value.decimalValue()).setUnit("mg").setSystem(Codes.UCUM).setCode("mg");
    }

    private static Reference npi(String npi) {
        return new Reference().setIdentifier(new Identifier().setSystem(Codes.NPI).setValue(npi));
    }
}
