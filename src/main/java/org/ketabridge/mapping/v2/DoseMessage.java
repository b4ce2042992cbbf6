package org.ketabridge.mapping.v2;

import ca.uhn.hl7v2.model.v251.message.RAS_O17;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Medication;

/**
 * A dose: RAS^O17. ORC-3 the dose id; RXA-3/4 start and end; RXA-5 the RxNorm code of the mapped
 * MedicationAdministration's drug with the contract's word as the local alternate; RXA-6/7 the
 * amount in mg (0 when none was given); RXA-10 who gave it (NPI); RXA-15 lot; RXA-18 why stopped
 * or not done; RXA-20 completion status; RXA-21 A (first version) or U; RXR-1 the route (table
 * 0162); one OBX per dosing fact the record carries (weight, mg/kg, rate, waste, witness).
 */
final class DoseMessage {

    private static final String RXA = "/ORDER/ADMINISTRATION/RXA";
    /** The contract's dosing facts sent as OBX: field, value type, UCUM unit (null: none). */
    private static final String[][] FACTS = {
            {"weightKg", "NM", "kg"}, {"doseMgPerKg", "NM", "mg/kg"}, {"rateMgPerKgPerHour", "NM", "mg/kg/h"},
            {"wastedMg", "NM", "mg"}, {"wasteWitnessNpi", "ST", null}};

    private DoseMessage() {
    }

    static V2Message build(V2Input in, JsonNode r, String controlId, Instant now) {
        RAS_O17 ras = new RAS_O17(V2Messages.context().getModelClassFactory());
        V2Fields f = new V2Fields(ras).header(in.clinic(), "RAS", "O17", "RAS_O17", controlId, now);
        f.set("/PATIENT/PID-1", "1").patientId("/PATIENT/PID", in.clinic(), V2Messages.text(r, "patientMrn"));
        f.visit("/PATIENT/PATIENT_VISIT/PV1", V2Messages.text(r, "encounterId"));
        f.set("/ORDER/ORC-1", "RE").set("/ORDER/ORC-3-1", V2Messages.text(r, "doseId"));
        f.set(RXA + "-1", "0").set(RXA + "-2", "1");
        f.set(RXA + "-3-1", V2Times.dateTime(V2Messages.text(r, "start")));
        f.set(RXA + "-4-1", V2Times.dateTime(V2Messages.text(r, "end")));
        String drug = V2Messages.text(r, "medication");
        MedicationAdministration ma = (MedicationAdministration) in.mapped().primary().resource();
        Medication medication = (Medication) ma.getContained().stream().filter(c -> c instanceof Medication).findFirst().orElseThrow();
        V2Codes.Code rxnorm = V2Codes.in(medication.getCode(), V2Codes.RXNORM).orElse(null);
        if (rxnorm != null) {
            f.coded(RXA + "-5", rxnorm).set(RXA + "-5-4", drug).set(RXA + "-5-5", drug).set(RXA + "-5-6", "L");
        } else {
            f.coded(RXA + "-5", V2Codes.local(drug));
        }
        String dose = V2Messages.text(r, "doseMg");
        f.set(RXA + "-6", dose == null ? "0" : dose).set(RXA + "-7-1", "mg");
        String npi = V2Messages.text(r, "administeredByNpi");
        if (npi != null) {
            f.set(RXA + "-10-1", npi).set(RXA + "-10-9-1", "NPI");
        }
        f.set(RXA + "-15", V2Messages.text(r, "lotNumber"));
        String status = V2Messages.text(r, "status");
        String reason = V2Messages.text(r, "statusReason");
        f.set(RXA + "-18-1", reason);
        f.set(RXA + "-20", switch (status) {
            case "completed" -> "CP";
            case "not-done" -> "NA";
            default -> "PA"; // stopped (with RXA-18) or in progress (without)
        });
        f.set(RXA + "-21", in.version() == 1 ? "A" : "U");
        f.set("/ORDER/ADMINISTRATION/RXR-1-1", route(V2Messages.text(r, "route")));
        int obx = 0;
        String resultStatus = V2Messages.resultStatus(in);
        for (String[] fact : FACTS) {
            String value = V2Messages.text(r, fact[0]);
            if (value != null) {
                f.observation("/ORDER/ADMINISTRATION/OBSERVATION(" + obx + ")/OBX", ++obx, fact[1], V2Codes.local(fact[0]), null,
                        value, fact[2] == null ? null : V2Codes.ucum(fact[2]), resultStatus, null);
            }
        }
        return V2Messages.encode(ras, controlId, "RAS^O17");
    }

    /** HL7 table 0162, as the contract reads it back. */
    private static String route(String route) {
        return switch (route) {
            case "intranasal" -> "NS";
            case "oral" -> "PO";
            case "sublingual" -> "SL";
            default -> route; // IV, IM
        };
    }
}
