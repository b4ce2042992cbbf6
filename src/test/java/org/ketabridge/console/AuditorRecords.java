package org.ketabridge.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.ketabridge.support.TestRecords;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Synthetic records for the console's auditor pages, of one patient at a store-only clinic: four
 * PHQ-9 totals (20 sent as baseline, 12, 9, 3: baseline, no response, response, remission by
 * the default rules) and two esketamine sessions, the first one's form complete and its lot one
 * a spreadsheet would run as a formula, the second without a blood pressure near 40 minutes.
 */
record AuditorRecords(String mrn, LocalDate day, String offset, String prefix) {

    static final int[] PHQ9_TOTALS = {20, 12, 9, 3};

    static AuditorRecords of(LocalDate day, String offset) {
        String p = TestRecords.prefix();
        return new AuditorRecords(p + "-A", day, offset, p);
    }

    /** How a test sends records: its {@code httpPost(path, contentType, body)} as clinic IT. */
    interface Sender {
        HttpResponse<String> post(String path, String contentType, String body);
    }

    /** Sends every record to the clinic and waits until the auditors' store holds them all. */
    void sendTo(String clinic, Sender sender, JdbcClient jdbc) {
        send(clinic, "patients", TestRecords.patient(mrn) + "\n", sender);
        send(clinic, "scores", scores(), sender);
        send(clinic, "encounters", encounters(), sender);
        send(clinic, "doses", doses(), sender);
        await().atMost(Duration.ofSeconds(90)).until(() -> jdbc.sql("select count(*) from store_task where clinic_id = ?"
                + " and status <> 'STORED'").param(clinic).query(Integer.class).single() == 0);
    }

    private static void send(String clinic, String kind, String ndjson, Sender sender) {
        HttpResponse<String> sent = sender.post("/api/v1/clinics/" + clinic + "/" + kind, "application/x-ndjson", ndjson);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        assertThat(sent.body()).as(sent.body()).contains("\"rejected\":0");
    }

    String completeSession() {
        return prefix + "-E1";
    }

    String sessionWithout40Minutes() {
        return prefix + "-E2";
    }

    String formulaLot() {
        return "=LOT" + prefix;
    }

    String scores() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PHQ9_TOTALS.length; i++) {
            lines.add("{\"scoreId\":\"" + prefix + "-S" + (i + 1) + "\",\"patientMrn\":\"" + mrn + "\",\"instrument\":\"PHQ-9\","
                    + "\"total\":" + PHQ9_TOTALS[i] + ",\"effective\":\"" + day.plusDays(i) + "T08:45:00" + offset + "\","
                    + "\"timing\":\"" + (i == 0 ? "baseline" : "pre-session") + "\"}");
        }
        return String.join("\n", lines) + "\n";
    }

    String encounters() {
        return session(completeSession(), day, "08:55", "09:46", "10:40", "11:10") + "\n"
                + session(sessionWithout40Minutes(), day.plusDays(1), "08:55", "10:40", "11:10") + "\n";
    }

    String doses() {
        return dose(completeSession(), day, formulaLot()) + "\n" + dose(sessionWithout40Minutes(), day.plusDays(1), "L-" + prefix) + "\n";
    }

    /** A finished intranasal session from 09:00 to 11:15, with a blood pressure at each of {@code vitalTimes}. */
    private String session(String encounterId, LocalDate on, String... vitalTimes) {
        List<String> vitals = new ArrayList<>();
        for (String at : vitalTimes) {
            vitals.add("{\"at\":\"" + on + "T" + at + ":00" + offset + "\",\"systolic\":128,\"diastolic\":82}");
        }
        return "{\"encounterId\":\"" + encounterId + "\",\"patientMrn\":\"" + mrn + "\",\"status\":\"finished\","
                + "\"start\":\"" + on + "T09:00:00" + offset + "\",\"end\":\"" + on + "T11:15:00" + offset + "\","
                + "\"modality\":\"intranasal\",\"vitals\":[" + String.join(",", vitals) + "],"
                + "\"concomitantMedications\":[],\"readyToLeaveMinutes\":80,\"adverseEvents\":[]}";
    }

    private String dose(String encounterId, LocalDate on, String lot) {
        return "{\"doseId\":\"" + encounterId + "-D\",\"encounterId\":\"" + encounterId + "\",\"patientMrn\":\"" + mrn + "\","
                + "\"medication\":\"esketamine\",\"route\":\"intranasal\",\"status\":\"completed\",\"doseMg\":84,"
                + "\"lotNumber\":\"" + lot + "\",\"start\":\"" + on + "T09:05:00" + offset + "\","
                + "\"administeredByNpi\":\"" + TestRecords.NPI_NURSE + "\"}";
    }
}
