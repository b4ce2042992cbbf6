package org.ketabridge.bench;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A synthetic clinic workload: per patient a series of six IV ketamine infusions (vital signs
 * every 20 minutes, a dose, a PHQ-9 before each session) or of esketamine sessions (56 then 84
 * mg, two hours of monitoring). Records as NDJSON lines, per clinic and kind, in the order a
 * clinic's exporter would send them. Deterministic: the same sizes give the same records.
 */
public final class Workload {

    public record Batch(String clinicId, String kind, List<String> lines) {
    }

    /** Where a warm-up's patients start: far from a run's, and a multiple of 12 so each patient's pattern recurs. */
    private static final int WARM_UP_FIRST_PATIENT = 1200;

    private final List<String> clinicIds;
    private final int patientsPerClinic;
    private final int firstPatient;

    public Workload(List<String> clinicIds, int patientsPerClinic) {
        this(clinicIds, patientsPerClinic, 0);
    }

    private Workload(List<String> clinicIds, int patientsPerClinic, int firstPatient) {
        this.clinicIds = clinicIds;
        this.patientsPerClinic = patientsPerClinic;
        this.firstPatient = firstPatient;
    }

    /**
     * A warm-up for this workload: the same clinics, other patients of the same shapes. Synced
     * before a measured run, it leaves the bridge as it is after running for these clinics a while
     * (the JIT compiled, the clinics' shapes admitted by the validation gate).
     */
    public Workload warmUp(int patients) {
        return new Workload(clinicIds, patients, WARM_UP_FIRST_PATIENT);
    }

    /** {@link #expectedIdentifiers()} once an earlier workload of the same clinics was synced too. */
    public Map<String, Integer> expectedIdentifiersAfter(Workload earlier) {
        Map<String, Integer> counts = expectedIdentifiers();
        earlier.expectedIdentifiers().forEach((system, n) -> {
            if (!"clinic".equals(system)) { // one Organization per clinic, however many workloads
                counts.merge(system, n, Integer::sum);
            }
        });
        return counts;
    }

    /** Batches of at most {@code batchSize} lines: all patients first, then encounters, doses, scores. */
    public List<Batch> batches(int batchSize) {
        List<Batch> batches = new ArrayList<>();
        for (String kind : List.of("patients", "encounters", "doses", "scores")) {
            for (String clinic : clinicIds) {
                List<String> lines = records(clinic).get(kind);
                for (int i = 0; i < lines.size(); i += batchSize) {
                    batches.add(new Batch(clinic, kind, lines.subList(i, Math.min(lines.size(), i + batchSize))));
                }
            }
        }
        return batches;
    }

    /** How many resources the EHR must hold per identifier system, per clinic, once all is synced. */
    public Map<String, Integer> expectedIdentifiers() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, List<String>> r = records(clinicIds.get(0));
        counts.put("mrn", r.get("patients").size());
        counts.put("encounter", r.get("encounters").size());
        counts.put("dose", r.get("doses").size());
        counts.put("score", r.get("scores").size());
        // Shared by many records, written by each of them conditionally, possibly at once:
        // one series (EpisodeOfCare) per patient, one Organization per clinic.
        counts.put("series", r.get("patients").size());
        counts.put("clinic", 1);
        return counts;
    }

    public int recordCount() {
        return clinicIds.size() * records(clinicIds.get(0)).values().stream().mapToInt(List::size).sum();
    }

    private Map<String, List<String>> records(String clinic) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> patients = new ArrayList<>();
        List<String> encounters = new ArrayList<>();
        List<String> doses = new ArrayList<>();
        List<String> scores = new ArrayList<>();
        LocalDate first = LocalDate.of(2026, 9, 1);
        for (int p = firstPatient; p < firstPatient + patientsPerClinic; p++) {
            String mrn = "P" + p;
            patients.add(patient(p));
            boolean esketamine = p % 4 == 3;
            int sessions = esketamine ? 4 : 6;
            for (int s = 1; s <= sessions; s++) {
                String day = first.plusDays(p % 20 + 2L * s).toString();
                String e = "E" + p + "-" + s;
                encounters.add(esketamine ? spravatoSession(e, mrn, day, s) : infusion(e, mrn, day, s));
                doses.add(esketamine
                        ? "{\"doseId\":\"D" + p + "-" + s + "\",\"encounterId\":\"" + e + "\",\"patientMrn\":\"" + mrn
                                + "\",\"medication\":\"esketamine\",\"route\":\"intranasal\",\"status\":\"completed\",\"doseMg\":"
                                + (s == 1 ? 56 : 84) + ",\"start\":\"" + day + "T13:00:00\",\"lotNumber\":\"SPR-26-" + (p % 7) + "\","
                                + "\"administeredByNpi\":\"1987654328\"}"
                        : "{\"doseId\":\"D" + p + "-" + s + "\",\"encounterId\":\"" + e + "\",\"patientMrn\":\"" + mrn
                                + "\",\"medication\":\"ketamine\",\"route\":\"IV\",\"status\":\"completed\",\"doseMg\":35,"
                                + "\"weightKg\":70,\"doseMgPerKg\":0.5,\"start\":\"" + day + "T09:02:00\",\"end\":\"" + day
                                + "T09:42:00\",\"rateMgPerKgPerHour\":0.75,\"lotNumber\":\"KET-26-" + (p % 5) + "\","
                                + "\"wastedMg\":15,\"wasteWitnessNpi\":\"1555555550\",\"administeredByNpi\":\"1987654328\"}");
                int total = Math.max(0, 20 - 3 * s + p % 3);
                scores.add("{\"scoreId\":\"S" + p + "-" + s + "\",\"patientMrn\":\"" + mrn + "\",\"encounterId\":\"" + e
                        + "\",\"instrument\":\"PHQ-9\",\"total\":" + total + ",\"effective\":\"" + day + "T08:45:00\","
                        + "\"timing\":\"" + (s == 1 ? "baseline" : "pre-session") + "\"}");
            }
        }
        out.put("patients", patients);
        out.put("encounters", encounters);
        out.put("doses", doses);
        out.put("scores", scores);
        return out;
    }

    /** Patient {@code p}'s record (MRN {@code P{p}}): even ones female, odd ones male, two shapes for the gate. */
    public static String patient(int p) {
        return "{\"mrn\":\"P" + p + "\",\"familyName\":\"Synthetic" + p + "\",\"givenName\":\"Test\","
                + "\"birthDate\":\"19" + (50 + p % 50) + "-0" + (1 + p % 9) + "-1" + (p % 9) + "\",\"sex\":\""
                + (p % 2 == 0 ? "female" : "male") + "\"}";
    }

    private static String infusion(String e, String mrn, String day, int session) {
        StringBuilder vitals = new StringBuilder();
        String[] times = {"09:00", "09:20", "09:40", "10:00", "10:20"};
        for (int i = 0; i < times.length; i++) {
            vitals.append(i == 0 ? "" : ",").append("{\"at\":\"").append(day).append('T').append(times[i])
                    .append(":00\",\"systolic\":").append(124 + 3 * i).append(",\"diastolic\":").append(80 + i)
                    .append(",\"heartRate\":").append(70 + i).append(",\"spo2\":98}");
        }
        return "{\"encounterId\":\"" + e + "\",\"patientMrn\":\"" + mrn + "\",\"status\":\"finished\",\"start\":\"" + day
                + "T09:00:00\",\"end\":\"" + day + "T10:30:00\",\"modality\":\"iv-infusion\",\"indication\":\"TRD\","
                + "\"sessionNumber\":" + session + ",\"seriesId\":\"SER-" + mrn + "\",\"practitionerNpi\":\"1234567893\","
                + "\"monitoringMinutes\":45,\"vitals\":[" + vitals + "]}";
    }

    private static String spravatoSession(String e, String mrn, String day, int session) {
        return "{\"encounterId\":\"" + e + "\",\"patientMrn\":\"" + mrn + "\",\"status\":\"finished\",\"start\":\"" + day
                + "T13:00:00\",\"end\":\"" + day + "T15:10:00\",\"modality\":\"intranasal\",\"indication\":\"MDD\","
                + "\"sessionNumber\":" + session + ",\"seriesId\":\"SER-" + mrn + "\",\"monitoringMinutes\":125,"
                + "\"vitals\":[{\"at\":\"" + day + "T12:55:00\",\"systolic\":128,\"diastolic\":82,\"spo2\":98},"
                + "{\"at\":\"" + day + "T13:40:00\",\"systolic\":136,\"diastolic\":86,\"spo2\":97,\"sedation\":4}]}";
    }
}
