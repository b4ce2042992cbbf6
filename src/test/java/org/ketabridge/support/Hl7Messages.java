package org.ketabridge.support;

/**
 * Synthetic HL7 v2.5.1 messages for tests, the same records as {@link TestRecords} (a dose and
 * a score sent over HL7 store what their JSON twins store), segments separated by CR. A test
 * breaks one rule by replacing a piece of the text.
 */
public final class Hl7Messages {

    private Hl7Messages() {
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
