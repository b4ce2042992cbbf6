package org.ketabridge.mapping.v2;

import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.ketabridge.mapping.Identity;
import org.ketabridge.mapping.MappedResource;

/**
 * An encounter: ORU^R01 with its session (PV1-19 the encounter id, PV1-44/45 start and end), one
 * OBR for it, and one OBX per vital sign of each set (OBX-4 the set's number, OBX-14 its time),
 * coded as its mapped Observation is (LOINC, UCUM); blood pressure as two OBX, systolic and diastolic;
 * then the session's own Observations ({@link SessionObservationSegments}).
 */
final class EncounterMessage {

    /** Measures as the vital identifier names them, with the contract's field, in message order. */
    private static final String[][] SIMPLE = {{"hr", "heartRate"}, {"rr", "respiratoryRate"}, {"spo2", "spo2"}};
    private static final String ORDER = "/PATIENT_RESULT/ORDER_OBSERVATION";

    private EncounterMessage() {
    }

    static V2Message build(V2Input in, JsonNode r, String controlId, Instant now) {
        ORU_R01 oru = new ORU_R01(V2Messages.context().getModelClassFactory());
        V2Fields f = new V2Fields(oru).header(in.clinic(), "ORU", "R01", "ORU_R01", controlId, now);
        String encounterId = V2Messages.text(r, "encounterId");
        String start = V2Times.dateTime(V2Messages.text(r, "start"));
        String end = V2Times.dateTime(V2Messages.text(r, "end"));
        f.set("/PATIENT_RESULT/PATIENT/PID-1", "1").patientId("/PATIENT_RESULT/PATIENT/PID", in.clinic(), V2Messages.text(r, "patientMrn"));
        String pv1 = "/PATIENT_RESULT/PATIENT/VISIT/PV1";
        f.visit(pv1, encounterId).set(pv1 + "-44-1", start).set(pv1 + "-45-1", end);
        String status = V2Messages.resultStatus(in);
        f.set(ORDER + "/OBR-1", "1").set(ORDER + "/OBR-3-1", encounterId)
                .coded(ORDER + "/OBR-4", new V2Codes.Code("85353-1", "Vital signs panel", "LN"))
                .set(ORDER + "/OBR-7-1", start).set(ORDER + "/OBR-8-1", end).set(ORDER + "/OBR-25", status);

        Map<String, Observation> byIdentifier = in.mapped().resources().stream()
                .filter(m -> in.clinic().identifierSystem("vital").equals(m.identifierSystem()))
                .collect(Collectors.toMap(MappedResource::identifierValue, m -> (Observation) m.resource(), (a, b) -> a));
        int obx = 0;
        JsonNode vitals = r.path("vitals");
        for (int set = 0; set < vitals.size(); set++) {
            JsonNode v = vitals.get(set);
            OffsetDateTime at = OffsetDateTime.parse(v.get("at").asText());
            String time = V2Times.dateTime(v.get("at").asText());
            String subId = String.valueOf(set + 1);
            Observation bp = byIdentifier.get(Identity.vital(in.clinic(), encounterId, at, "bp").getValue());
            if (bp != null) {
                for (Observation.ObservationComponentComponent c : bp.getComponent()) {
                    String field = c.getCode().getCoding().stream().anyMatch(x -> "8480-6".equals(x.getCode())) ? "systolic" : "diastolic";
                    f.observation(obx(obx), ++obx, "NM", V2Codes.loincElseLocal(c.getCode()), subId,
                            V2Messages.text(v, field), V2Codes.unit(c.getValueQuantity()), status, time);
                }
            }
            for (String[] measure : SIMPLE) {
                Observation o = byIdentifier.get(Identity.vital(in.clinic(), encounterId, at, measure[0]).getValue());
                if (o != null) {
                    f.observation(obx(obx), ++obx, "NM", V2Codes.loincElseLocal(o.getCode()), subId,
                            V2Messages.text(v, measure[1]), V2Codes.unit((Quantity) o.getValue()), status, time);
                }
            }
            Observation sedation = byIdentifier.get(Identity.vital(in.clinic(), encounterId, at, "sedation").getValue());
            if (sedation != null) {
                f.observation(obx(obx), ++obx, "NM", V2Codes.loincElseLocal(sedation.getCode()), subId,
                        V2Messages.text(v, "sedation"), null, status, time);
            }
        }
        SessionObservationSegments.add(f, in, encounterId, EncounterMessage::obx, obx, status, start);
        return V2Messages.encode(oru, controlId, "ORU^R01");
    }

    private static String obx(int index) {
        return ORDER + "/OBSERVATION(" + index + ")/OBX";
    }
}
