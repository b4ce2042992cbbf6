package org.ketabridge.mapping.v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import java.time.Instant;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.MllpEndpoint;
import org.ketabridge.mapping.MappingException;

/**
 * Writes a message's fields by Terser path (what clinic IT reads in an interface spec:
 * {@code /PATIENT_RESULT/PATIENT/PID-3-1}); a null value leaves the field empty. The segments
 * every message shares (MSH, PID, PV1, OBX) are written here once.
 */
final class V2Fields {

    private final Terser terser;

    V2Fields(Message message) {
        this.terser = new Terser(message);
    }

    V2Fields set(String path, String value) {
        if (value == null) {
            return this;
        }
        try {
            terser.set(path, value);
        } catch (HL7Exception e) {
            // A path of ours that HAPI does not know: a programming error, never the record's.
            throw new MappingException("HL7 v2 field " + path + " cannot be written");
        }
        return this;
    }

    /**
     * MSH: KetaBridge sends for the clinic (its hl7-facility, else its id), to the EHR's receiving
     * application and facility when configured; {@code type} as {@code ADT^A04^ADT_A01}; production,
     * v2.5.1; in UTF-8 (MSH-18 {@code UNICODE UTF-8}, and so it is sent: names are not all ASCII).
     */
    /** HL7 table 0211's name of the one character set the bridge writes, UTF-8. */
    static final String CHARSET = "UNICODE UTF-8";

    V2Fields header(Clinic clinic, String code, String event, String structure, String controlId, Instant now) {
        MllpEndpoint ehr = clinic.ehr() == null ? null : clinic.ehr().mllp();
        set("/MSH-1", "|").set("/MSH-2", "^~\\&");
        set("/MSH-3-1", "KetaBridge");
        set("/MSH-4-1", clinic.hl7Facility().orElse(clinic.id()));
        if (ehr != null) {
            set("/MSH-5-1", ehr.receivingApplication().orElse(null));
            set("/MSH-6-1", ehr.receivingFacility().orElse(null));
        }
        set("/MSH-7-1", V2Times.instant(now, clinic.zone()));
        set("/MSH-9-1", code).set("/MSH-9-2", event).set("/MSH-9-3", structure);
        set("/MSH-10", controlId);
        set("/MSH-11-1", "P");
        set("/MSH-12-1", "2.5.1");
        set("/MSH-18", CHARSET);
        return this;
    }

    /** PID-3: the MRN, type MR, assigned by the clinic's MRN identifier system (a URI). */
    V2Fields patientId(String pid, Clinic clinic, String mrn) {
        set(pid + "-3-1", mrn);
        set(pid + "-3-4-2", clinic.identifierSystem("mrn"));
        set(pid + "-3-4-3", "URI");
        set(pid + "-3-5", "MR");
        return this;
    }

    /** PV1 of a session: outpatient, PV1-19 the encounter id (when the record names one). */
    V2Fields visit(String pv1, String encounterId) {
        set(pv1 + "-2", "O");
        set(pv1 + "-19-1", encounterId);
        return this;
    }

    /** A coded element: code^text^coding system (LN, RXN, UCUM or L). */
    V2Fields coded(String path, V2Codes.Code code) {
        if (code == null) {
            return this;
        }
        set(path + "-1", code.code()).set(path + "-2", code.text()).set(path + "-3", code.system());
        return this;
    }

    /**
     * One OBX: its set id, value type, observation code, sub-id, value, unit, result status (F
     * final, C corrected) and time.
     */
    V2Fields observation(String obx, int setId, String valueType, V2Codes.Code code, String subId, String value,
                         V2Codes.Code unit, String status, String at) {
        set(obx + "-1", String.valueOf(setId));
        set(obx + "-2", valueType);
        coded(obx + "-3", code);
        set(obx + "-4", subId);
        set(obx + "-5", value);
        coded(obx + "-6", unit);
        set(obx + "-11", status);
        set(obx + "-14", at);
        return this;
    }
}
