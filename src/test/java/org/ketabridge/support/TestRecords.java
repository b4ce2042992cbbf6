package org.ketabridge.support;

import java.util.UUID;

/**
 * Synthetic records for tests, as JSON text. Every test takes a fresh {@link #prefix()} so its
 * ids never meet another test's in the shared database and EHR journals.
 */
public final class TestRecords {

    /** Valid NPIs (check digit by Luhn with prefix 80840). */
    public static final String NPI_PRESCRIBER = "1234567893";
    public static final String NPI_NURSE = "1987654328";
    public static final String NPI_WITNESS = "1555555550";

    private TestRecords() {
    }

    public static String prefix() {
        return "T" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String patient(String mrn) {
        return patient(mrn, "Testperson");
    }

    public static String patient(String mrn, String family) {
        return "{\"mrn\":\"" + mrn + "\",\"familyName\":\"" + family + "\",\"givenName\":\"Alex\","
                + "\"birthDate\":\"1984-03-12\",\"sex\":\"female\"}";
    }

    public static String encounter(String encounterId, String mrn) {
        return "{\"encounterId\":\"" + encounterId + "\",\"patientMrn\":\"" + mrn + "\",\"status\":\"finished\","
                + "\"start\":\"2026-10-05T09:00:00\",\"end\":\"2026-10-05T11:00:00\",\"modality\":\"iv-infusion\","
                + "\"indication\":\"TRD\",\"sessionNumber\":1,\"seriesId\":\"S-" + mrn + "\","
                + "\"practitionerNpi\":\"" + NPI_PRESCRIBER + "\",\"location\":\"Chair 2\",\"monitoringMinutes\":60,"
                + "\"vitals\":[{\"at\":\"2026-10-05T09:00:00\",\"systolic\":128,\"diastolic\":82,\"heartRate\":72,"
                + "\"spo2\":98},{\"at\":\"2026-10-05T09:20:00\",\"systolic\":134,\"diastolic\":85,\"sedation\":4}]}";
    }

    public static String dose(String doseId, String encounterId, String mrn) {
        return dose(doseId, encounterId, mrn, 35);
    }

    public static String dose(String doseId, String encounterId, String mrn, double doseMg) {
        return "{\"doseId\":\"" + doseId + "\",\"encounterId\":\"" + encounterId + "\",\"patientMrn\":\"" + mrn + "\","
                + "\"medication\":\"ketamine\",\"route\":\"IV\",\"status\":\"completed\",\"doseMg\":" + doseMg + ","
                + "\"weightKg\":70,\"start\":\"2026-10-05T09:05:00\",\"end\":\"2026-10-05T09:45:00\","
                + "\"rateMgPerKgPerHour\":0.75,\"lotNumber\":\"KET-2026-118\",\"wastedMg\":15,"
                + "\"wasteWitnessNpi\":\"" + NPI_WITNESS + "\",\"administeredByNpi\":\"" + NPI_NURSE + "\"}";
    }

    /** A finished esketamine (nasal spray) session with its REMS vital signs: with {@link #esketamineDose}, one that has a REMS form. */
    public static String esketamineSession(String encounterId, String mrn) {
        return "{\"encounterId\":\"" + encounterId + "\",\"patientMrn\":\"" + mrn + "\",\"status\":\"finished\","
                + "\"modality\":\"intranasal\",\"start\":\"2026-10-05T09:00:00\",\"end\":\"2026-10-05T11:15:00\",\"vitals\":["
                + "{\"at\":\"2026-10-05T08:55:00\",\"systolic\":128,\"diastolic\":80,\"heartRate\":70},"
                + "{\"at\":\"2026-10-05T09:46:00\",\"systolic\":132,\"diastolic\":84},"
                + "{\"at\":\"2026-10-05T11:10:00\",\"systolic\":124,\"diastolic\":78}],"
                + "\"concomitantMedications\":[],\"readyToLeaveMinutes\":90,\"adverseEvents\":[]}";
    }

    public static String esketamineDose(String doseId, String encounterId, String mrn) {
        return "{\"doseId\":\"" + doseId + "\",\"encounterId\":\"" + encounterId + "\",\"patientMrn\":\"" + mrn + "\","
                + "\"medication\":\"esketamine\",\"route\":\"intranasal\",\"status\":\"completed\",\"doseMg\":56,"
                + "\"lotNumber\":\"SPR-56\",\"start\":\"2026-10-05T09:05:00\",\"administeredByNpi\":\"" + NPI_NURSE + "\"}";
    }

    public static String score(String scoreId, String encounterId, String mrn, int... items) {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < items.length; i++) {
            list.append(i == 0 ? "" : ",").append(items[i]);
        }
        return "{\"scoreId\":\"" + scoreId + "\",\"patientMrn\":\"" + mrn + "\",\"encounterId\":\"" + encounterId + "\","
                + "\"instrument\":\"PHQ-9\",\"items\":[" + list + "],\"effective\":\"2026-10-05T08:45:00\","
                + "\"timing\":\"pre-session\"}";
    }

    public static String ndjson(String... lines) {
        return String.join("\n", lines) + "\n";
    }
}
