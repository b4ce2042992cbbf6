package org.ketabridge.mapping.v2;

import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.hl7.fhir.r4.model.Observation;

/**
 * A score: ORU^R01 with OBR-3 the score id, OBR-4 the instrument, OBR-7 when it was taken; an OBX
 * for the total (LOINC where the mapped Observation has it, else the instrument, local), one
 * {@code {instrument}-item} OBX per item (OBX-4 the item's number), and a {@code timing} OBX.
 */
final class ScoreMessage {

    private static final String ORDER = "/PATIENT_RESULT/ORDER_OBSERVATION";

    private ScoreMessage() {
    }

    static V2Message build(V2Input in, JsonNode r, String controlId, Instant now) {
        ORU_R01 oru = new ORU_R01(V2Messages.context().getModelClassFactory());
        V2Fields f = new V2Fields(oru).header(in.clinic(), "ORU", "R01", "ORU_R01", controlId, now);
        String instrument = V2Messages.text(r, "instrument");
        String effective = V2Times.dateTime(V2Messages.text(r, "effective"));
        String status = V2Messages.resultStatus(in);
        f.set("/PATIENT_RESULT/PATIENT/PID-1", "1").patientId("/PATIENT_RESULT/PATIENT/PID", in.clinic(), V2Messages.text(r, "patientMrn"));
        if (r.hasNonNull("encounterId")) {
            f.visit("/PATIENT_RESULT/PATIENT/VISIT/PV1", V2Messages.text(r, "encounterId"));
        }
        f.set(ORDER + "/OBR-1", "1").set(ORDER + "/OBR-3-1", V2Messages.text(r, "scoreId"))
                .coded(ORDER + "/OBR-4", V2Codes.local(instrument)).set(ORDER + "/OBR-7-1", effective).set(ORDER + "/OBR-25", status);
        Observation total = (Observation) in.mapped().primary().resource();
        int obx = 0;
        f.observation(obx(obx), ++obx, "NM", V2Codes.loincElseLocal(total.getCode()), null, V2Messages.text(r, "total"),
                null, status, effective);
        JsonNode items = r.path("items");
        for (int i = 0; i < items.size(); i++) {
            f.observation(obx(obx), ++obx, "NM", V2Codes.local(instrument + "-item"), String.valueOf(i + 1),
                    items.get(i).decimalValue().toPlainString(), null, status, effective);
        }
        if (r.hasNonNull("timing")) {
            f.observation(obx(obx), ++obx, "ST", V2Codes.local("timing"), null, V2Messages.text(r, "timing"), null, status, effective);
        }
        return V2Messages.encode(oru, controlId, "ORU^R01");
    }

    private static String obx(int index) {
        return ORDER + "/OBSERVATION(" + index + ")/OBX";
    }
}
