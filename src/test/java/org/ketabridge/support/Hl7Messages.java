package org.ketabridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Synthetic HL7 v2.5.1 messages for tests, the same records as {@link TestRecords} (a dose and
 * a score sent over HL7 store what their JSON twins store), segments separated by CR. A test
 * breaks one rule by replacing a piece of the text.
 */
public final class Hl7Messages {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> SEXES = Map.of("female", "F", "male", "M", "other", "O", "unknown", "U");
    private static final Map<String, String> ROUTES = Map.of("IV", "IV", "IM", "IM", "intranasal", "NS", "oral", "PO", "sublingual", "SL");
    private static final Map<String, String> STATUSES = Map.of("completed", "CP", "not-done", "NA", "stopped", "PA", "in-progress", "PA");

    private Hl7Messages() {
    }

    /**
     * One record of the contract (its JSON, as an HTTP client sends it) as the HL7 v2.5.1 message
     * the contract's table gives it: a patient as ADT^{@code event} (A04, A08), a dose as RAS^O17
     * ({@code event} A or U in RXA-21), a score as ORU^R01 (its total under the instrument's own
     * code, system L). Fields the record lacks are left empty, so what the bridge reads is the record.
     */
    public static String ofRecord(String facility, String controlId, String kind, String json, String event) {
        JsonNode r = read(json);
        return switch (kind) {
            case "patients" -> msh(facility, "ADT^" + event + "^ADT_A01", controlId) + "EVN|" + event + "|20261005100000\r"
                    + "PID|1||" + text(r, "mrn") + "^^^CLINIC^MR||" + text(r, "familyName") + "^" + text(r, "givenName")
                    + "||" + date(text(r, "birthDate")) + "|" + SEXES.getOrDefault(text(r, "sex"), "") + "\r";
            case "doses" -> msh(facility, "RAS^O17^RAS_O17", controlId) + subject(r)
                    + "ORC|RE||" + text(r, "doseId") + "\r"
                    + "RXA|0|1|" + time(text(r, "start")) + "|" + time(text(r, "end")) + "|" + text(r, "medication") + "^"
                    + text(r, "medication") + "^L|" + (r.has("doseMg") ? text(r, "doseMg") + "|mg^mg^UCUM" : "0|") + "|||"
                    + (r.has("administeredByNpi") ? text(r, "administeredByNpi") + "^^^^^^^^NPI" : "") + "|||||"
                    + text(r, "lotNumber") + "|||" + text(r, "statusReason") + "||" + STATUSES.getOrDefault(text(r, "status"), "")
                    + "|" + event + "\r"
                    + "RXR|" + ROUTES.getOrDefault(text(r, "route"), "") + "^^HL70162\r"
                    + observations(r, "weightKg", "doseMgPerKg", "rateMgPerKgPerHour", "wastedMg", "wasteWitnessNpi");
            case "scores" -> msh(facility, "ORU^R01^ORU_R01", controlId) + subject(r) + score(r);
            default -> throw new IllegalArgumentException("no HL7 v2 message carries " + kind);
        };
    }

    private static String subject(JsonNode r) {
        return "PID|1||" + text(r, "patientMrn") + "^^^CLINIC^MR\r"
                + (r.has("encounterId") ? "PV1|1|O|||||||||||||||||" + text(r, "encounterId") + "\r" : "");
    }

    private static String observations(JsonNode r, String... fields) {
        StringBuilder obx = new StringBuilder();
        int set = 1;
        for (String field : fields) {
            if (r.has(field)) {
                obx.append("OBX|").append(set++).append(field.endsWith("Npi") ? "|ST|" : "|NM|").append(field).append("^^L||").append(text(r, field))
                        .append("||||||F\r");
            }
        }
        return obx.toString();
    }

    private static String score(JsonNode r) {
        String instrument = text(r, "instrument");
        StringBuilder m = new StringBuilder("OBR|1||").append(text(r, "scoreId")).append("|").append(instrument).append("^^L|||")
                .append(time(text(r, "effective"))).append("\r");
        int set = 1;
        if (r.has("total")) {
            m.append("OBX|").append(set++).append("|NM|").append(instrument).append("^^L||").append(text(r, "total")).append("||||||F\r");
        }
        for (int i = 0; r.has("items") && i < r.get("items").size(); i++) {
            m.append("OBX|").append(set++).append("|NM|").append(instrument).append("-item^^L|").append(i + 1).append("|")
                    .append(r.get("items").get(i).asText()).append("||||||F\r");
        }
        if (r.has("timing")) {
            m.append("OBX|").append(set).append("|ST|timing^^L||").append(text(r, "timing")).append("||||||F\r");
        }
        return m.toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode r, String field) {
        return r.hasNonNull(field) ? r.get(field).asText() : "";
    }

    /** 1984-03-12 -> 19840312. */
    private static String date(String iso) {
        return iso.replace("-", "");
    }

    /** 2026-10-05T09:05:00 (offset or not) -> 20261005090500: the same instant, or the same wall time in the clinic's zone. */
    private static String time(String iso) {
        return iso.replaceAll("[-:T]", "").replace("Z", "+0000");
    }

    private static String msh(String facility, String type, String controlId) {
        return "MSH|^~\\&|CLINICEMR|" + facility + "|KETABRIDGE|KB|20261005100000||" + type + "|" + controlId + "|P|2.5.1\r";
    }

    private static String pid(String mrn) {
        return "PID|1||OTHER-1^^^LAB^PI~" + mrn + "^^^CLINIC^MR||Testperson^Alex||19840312|F\r";
    }

    private static String pv1(String encounterId) {
        return "PV1|1|O|||||||||||||||||" + encounterId + "\r";
    }

    /** ADT^A04 (or A08) with the patient of {@link TestRecords#patient(String)}. */
    public static String adt(String facility, String event, String controlId, String mrn) {
        return msh(facility, "ADT^" + event + "^ADT_A01", controlId) + "EVN|" + event + "|20261005100000\r" + pid(mrn);
    }

    /** RAS^O17 with one ORDER group per dose id, each the dose of {@link #doseJson}. */
    public static String ras(String facility, String controlId, String mrn, String encounterId, String... doseIds) {
        StringBuilder m = new StringBuilder(msh(facility, "RAS^O17^RAS_O17", controlId)).append(pid(mrn)).append(pv1(encounterId));
        for (String doseId : doseIds) {
            m.append("ORC|RE||").append(doseId).append("\r")
                    .append("RXA|0|1|202610050905|202610050945|ketamine^ketamine^L|35|mg^mg^UCUM|||")
                    .append(TestRecords.NPI_NURSE).append("^Nurse^Nina^^^^^^NPI|||||KET-2026-118|||||CP|A\r")
                    .append("RXR|IV^Intravenous^HL70162\r")
                    .append("OBX|1|NM|weightKg^body weight^L||70|kg|||||F\r")
                    .append("OBX|2|NM|rateMgPerKgPerHour^infusion rate^L||0.75|mg/kg/h|||||F\r")
                    .append("OBX|3|NM|wastedMg^wasted^L||15|mg|||||F\r")
                    .append("OBX|4|ST|wasteWitnessNpi^waste witness^L||").append(TestRecords.NPI_WITNESS).append("||||||F\r");
        }
        return m.toString();
    }

    /** The dose of {@link #ras} as an HTTP client sends it. */
    public static String doseJson(String doseId, String encounterId, String mrn) {
        return "{\"doseId\":\"" + doseId + "\",\"encounterId\":\"" + encounterId + "\",\"patientMrn\":\"" + mrn + "\","
                + "\"medication\":\"ketamine\",\"route\":\"IV\",\"status\":\"completed\",\"doseMg\":35,"
                + "\"weightKg\":70,\"start\":\"2026-10-05T09:05\",\"end\":\"2026-10-05T09:45\","
                + "\"rateMgPerKgPerHour\":0.75,\"lotNumber\":\"KET-2026-118\",\"wastedMg\":15,"
                + "\"wasteWitnessNpi\":\"" + TestRecords.NPI_WITNESS + "\",\"administeredByNpi\":\"" + TestRecords.NPI_NURSE + "\"}";
    }

    /** ORU^R01 with one PHQ-9 score per id: LOINC total, nine items, timing pre-session. */
    public static String oru(String facility, String controlId, String mrn, String encounterId, String... scoreIds) {
        StringBuilder m = new StringBuilder(msh(facility, "ORU^R01^ORU_R01", controlId)).append(pid(mrn)).append(pv1(encounterId));
        int[] items = {2, 1, 1, 2, 1, 0, 1, 1, 0};
        for (String scoreId : scoreIds) {
            m.append("OBR|1||").append(scoreId).append("|PHQ-9^PHQ-9^L|||202610050845\r")
                    .append("OBX|1|NM|44261-6^PHQ-9 total score^LN||9||||||F\r");
            for (int i = 0; i < items.length; i++) {
                m.append("OBX|").append(i + 2).append("|NM|PHQ-9-item^PHQ-9 item^L|").append(i + 1).append("|")
                        .append(items[i]).append("||||||F\r");
            }
            m.append("OBX|11|ST|timing^timing^L||pre-session||||||F\r");
        }
        return m.toString();
    }

    /** The score of {@link #oru} as an HTTP client sends it. */
    public static String scoreJson(String scoreId, String encounterId, String mrn) {
        return "{\"scoreId\":\"" + scoreId + "\",\"patientMrn\":\"" + mrn + "\",\"encounterId\":\"" + encounterId + "\","
                + "\"instrument\":\"PHQ-9\",\"total\":9,\"items\":[2,1,1,2,1,0,1,1,0],\"effective\":\"2026-10-05T08:45\","
                + "\"timing\":\"pre-session\"}";
    }
}
