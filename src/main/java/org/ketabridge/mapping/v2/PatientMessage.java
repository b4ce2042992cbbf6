package org.ketabridge.mapping.v2;

import ca.uhn.hl7v2.model.v251.message.ADT_A01;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A patient record: ADT^A04 (registered) for its first version, ADT^A08 (updated) for later ones. */
final class PatientMessage {

    private PatientMessage() {
    }

    static V2Message build(V2Input in, JsonNode r, String controlId, Instant now) {
        String event = in.version() == 1 ? "A04" : "A08";
        ADT_A01 adt = new ADT_A01(V2Messages.context().getModelClassFactory());
        V2Fields f = new V2Fields(adt).header(in.clinic(), "ADT", event, "ADT_A01", controlId, now);
        f.set("/EVN-1", event).set("/EVN-2-1", V2Times.instant(now, in.clinic().zone()));
        f.set("/PID-1", "1").patientId("/PID", in.clinic(), V2Messages.text(r, "mrn"));
        f.set("/PID-5-1-1", V2Messages.text(r, "familyName")).set("/PID-5-2", V2Messages.text(r, "givenName"));
        f.set("/PID-7-1", V2Times.date(V2Messages.text(r, "birthDate")));
        f.set("/PID-8", sex(V2Messages.text(r, "sex")));
        // PV1 is required in ADT_A01; a registration is no visit: patient class N (not applicable).
        f.set("/PV1-2", "N");
        return V2Messages.encode(adt, controlId, "ADT^" + event);
    }

    /** HL7 table 0001 as the contract reads it back. */
    private static String sex(String sex) {
        if (sex == null) {
            return null;
        }
        return switch (sex) {
            case "female" -> "F";
            case "male" -> "M";
            case "other" -> "O";
            default -> "U";
        };
    }
}
