package org.ketabridge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.Hl7Receiver;
import org.ketabridge.support.Hl7Receiver.Answer;
import org.ketabridge.support.TestRecords;
import org.ketabridge.support.TestTokens;
import org.ketabridge.validation.ResourceValidator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A clinic whose EHR takes HL7 v2 (issue 14), through the whole bridge to a real MLLP socket
 * ({@link Hl7Receiver}): a clinic day of patients, encounters with vitals, doses, scores and
 * updates, while the EHR answers AA, AE, AR, nothing, too late, or closes the connection. Every
 * record version is stored by the EHR exactly once under its own control id, the AE ones are dead
 * letters with the EHR's error text, and each patient's messages were stored in the order accepted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bridge.auditor-store.enabled=false", "spring.datasource.url=jdbc:h2:mem:hl7-ehr-sync;DB_CLOSE_DELAY=-1"})
@ActiveProfiles("test")
@DirtiesContext
class Hl7EhrSyncTest {

    private static final String CLINIC = "hl7day";
    private static final String RENAMED = "Nguyễn-Østergård 山田";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Hl7Receiver EHR = start();
    // A second clinic, with an EHR of its own, for the REMS form (its tasks never mix with the clinic day's).
    private static final String ESKETAMINE_CLINIC = "hl7rems";
    private static final Hl7Receiver ESKETAMINE_EHR = start();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ResourceValidator validator;

    @Autowired
    MeterRegistry meters;

    private static Hl7Receiver start() {
        try {
            return new Hl7Receiver(Duration.ofMillis(2500));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void clinic(DynamicPropertyRegistry r) {
        String c = "bridge.clinics[0].";
        r.add(c + "id", () -> CLINIC);
        r.add(c + "time-zone", () -> "America/Denver");
        r.add(c + "hl7-facility", () -> "KB-DAY");
        r.add(c + "ehr.type", () -> "hl7v2");
        r.add(c + "ehr.host", () -> "localhost");
        r.add(c + "ehr.port", () -> String.valueOf(EHR.port()));
        r.add(c + "ehr.request-timeout", () -> "1s");
        r.add(c + "ehr.connect-timeout", () -> "1s");
        String e = "bridge.clinics[1].";
        r.add(e + "id", () -> ESKETAMINE_CLINIC);
        r.add(e + "time-zone", () -> "America/Denver");
        r.add(e + "hl7-facility", () -> "KB-REMS");
        r.add(e + "ehr.type", () -> "hl7v2");
        r.add(e + "ehr.host", () -> "localhost");
        r.add(e + "ehr.port", () -> String.valueOf(ESKETAMINE_EHR.port()));
    }

    @AfterAll
    static void stop() throws IOException {
        EHR.close();
        ESKETAMINE_EHR.close();
    }

    @BeforeEach
    void ready() {
        await().atMost(Duration.ofMinutes(5)).until(validator::isReady);
    }

    @Test
    void aClinicDayArrivesOnceEachInOrderPerPatientWhateverTheEhrAnswers() throws Exception {
        String p = TestRecords.prefix();
        String m1 = p + "-M1";
        String m2 = p + "-M2";
        String m3 = p + "-M3";
        EHR.script((message, arrival) -> {
            if (message.contains("|" + m2 + "^") && message.contains("ORU^R01") && message.contains("PHQ-9")) {
                return Answer.AE; // every score of patient 2: refused for good
            }
            if (arrival > 1) {
                return Answer.AA;
            }
            if (message.contains("|" + p + "-E1|")) {
                return Answer.AR; // patient 1's encounter: rejected once
            }
            if (message.contains("|" + p + "-D1")) {
                return Answer.SILENT; // patient 1's dose: stored, its ACK never comes
            }
            if (message.contains("|" + p + "-E3|")) {
                return Answer.LATE; // patient 3's encounter: stored, acknowledged after the bridge stopped waiting
            }
            if (message.contains("ADT^A04") && message.contains("|" + m3 + "^")) {
                return Answer.CLOSE; // patient 3's registration: the connection drops mid-message
            }
            return Answer.AA;
        });

        for (String[] patient : new String[][] {{m1, "1"}, {m2, "2"}, {m3, "3"}}) {
            String mrn = patient[0];
            String n = patient[1];
            post("patients", TestRecords.patient(mrn));
            post("encounters", TestRecords.encounter(p + "-E" + n, mrn));
            post("doses", TestRecords.dose(p + "-D" + n, p + "-E" + n, mrn));
            post("scores", TestRecords.score(p + "-S" + n, p + "-E" + n, mrn, 1, 1, 1, 1, 1, 1, 1, 0, 1));
        }
        // Updates: a new family name (ADT^A08; not ASCII: it goes as UTF-8), a corrected score (OBX-11 C),
        // a corrected dose (RXA-21 U).
        post("patients", TestRecords.patient(m1, RENAMED));
        post("scores", TestRecords.score(p + "-S1", p + "-E1", m1, 2, 1, 1, 1, 1, 1, 1, 0, 1));
        post("scores", TestRecords.score(p + "-S2", p + "-E2", m2, 2, 1, 1, 1, 1, 1, 1, 0, 1));
        post("doses", TestRecords.dose(p + "-D3", p + "-E3", m3, 36));

        List<Map<String, Object>> tasks = jdbc.sql("select t.status, t.kind, t.record_id, t.record_version_id, t.last_error,"
                        + " v.patient_mrn from sync_task t join record_version v on v.id = t.record_version_id"
                        + " where t.clinic_id = ? order by t.id").param(CLINIC).query().listOfRows();
        assertThat(tasks).hasSize(16);
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(jdbc.sql(
                "select count(*) from sync_task where clinic_id = ? and status not in ('SENT', 'DEAD')")
                .param(CLINIC).query(Integer.class).single()).isZero());

        List<Map<String, Object>> done = jdbc.sql("select t.status, t.kind, t.record_id, t.record_version_id, t.last_error,"
                        + " v.patient_mrn from sync_task t join record_version v on v.id = t.record_version_id"
                        + " where t.clinic_id = ? order by t.id").param(CLINIC).query().listOfRows();
        List<String> expected = new ArrayList<>();
        for (Map<String, Object> t : done) {
            String controlId = "KB" + t.get("record_version_id");
            boolean refused = m2.equals(t.get("patient_mrn")) && "SCORE".equals(t.get("kind"));
            if (refused) {
                assertThat(t.get("status")).as("a score the EHR answered AE").isEqualTo("DEAD");
                assertThat((String) t.get("last_error")).contains("AE").contains("Unknown test code in OBX-3");
                assertThat(EHR.storedCount(controlId)).isZero();
            } else {
                assertThat(t.get("status")).as(t.get("kind") + " " + t.get("record_id")).isEqualTo("SENT");
                expected.add(controlId);
            }
        }
        // Every record version the EHR took, once, under its own control id, and nothing else.
        assertThat(EHR.stored().keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(EHR.stored().values()).allMatch(count -> count == 1);
        // The EHR saw resends (after AR, silence, a late ACK, a dropped connection) and dropped the repeats.
        assertThat(done.stream().mapToInt(t -> EHR.arrivals("KB" + t.get("record_version_id"))).sum())
                .isGreaterThan(done.size());
        // Each patient's messages were stored in the order their records were accepted.
        for (String mrn : List.of(m1, m2, m3)) {
            List<Long> order = EHR.storedFor(mrn).stream().map(id -> Long.parseLong(id.substring(2))).toList();
            assertThat(order).as("patient " + mrn.substring(mrn.length() - 2)).isSorted().isNotEmpty();
        }
        assertThat(EHR.message("KB" + versionOf(done, "PATIENT", m1, 2))).contains("ADT^A08").contains("|" + RENAMED + "^")
                .contains("|UNICODE UTF-8");

        // The EHR's answers, timed as a FHIR EHR's are: by ACK code, none for silence and the dropped connection.
        long dead = done.stream().filter(t -> "DEAD".equals(t.get("status"))).count();
        assertThat(requests("AE")).as("one AE per refused score version, each a dead letter at once").isEqualTo(dead);
        assertThat(requests("AA")).as("at least one AA per record version the EHR took").isGreaterThanOrEqualTo(expected.size());
        assertThat(requests("AR")).as("patient 1's encounter, rejected once").isEqualTo(1);
        // The silent dose and the dropped connection; the ACK that came late may be read as the next message's answer.
        assertThat(requests("none")).as("no answer").isGreaterThanOrEqualTo(2);
    }

    /**
     * An esketamine session's REMS form, which the bridge derives and an HL7 v2 EHR has no message for:
     * its task ends "not accepted by this EHR" at once, listed for clinic IT, and the patient's next
     * message goes as if it were not there. (Before, the task failed in mapping, was retried for
     * minutes, and held every later message of its patient meanwhile.)
     */
    @Test
    void anEsketamineSessionsRemsFormIsNotAcceptedAndHoldsNothingOfItsPatient() throws Exception {
        ESKETAMINE_EHR.script((message, arrival) -> Answer.AA);
        String p = TestRecords.prefix();
        String mrn = p + "-M";
        String session = p + "-E";
        post(ESKETAMINE_CLINIC, "patients", TestRecords.patient(mrn));
        post(ESKETAMINE_CLINIC, "encounters", TestRecords.esketamineSession(session, mrn));
        post(ESKETAMINE_CLINIC, "doses", TestRecords.esketamineDose(session + "-D", session, mrn));
        await().atMost(Duration.ofMinutes(1)).until(() -> remsFormTask(session) != null);
        post(ESKETAMINE_CLINIC, "scores", TestRecords.score(p + "-S", session, mrn, 1, 1, 1, 1, 1, 1, 1, 0, 1));

        await().atMost(Duration.ofMinutes(1)).until(() -> "SENT".equals(status(ESKETAMINE_CLINIC, p + "-S")));
        Map<String, Object> form = remsFormTask(session);
        assertThat(form.get("STATUS")).isEqualTo("NOT_ACCEPTED");
        assertThat(((Number) form.get("ATTEMPTS")).intValue()).as("never tried").isZero();
        HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/clinics/"
                        + ESKETAMINE_CLINIC + "/sync/not-accepted"))
                .header("Authorization", "Bearer " + TestTokens.clinicIt(ESKETAMINE_CLINIC)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(listed.body()).contains(session).contains("QuestionnaireResponse").contains("HL7 v2");
    }

    private Map<String, Object> remsFormTask(String session) {
        return jdbc.sql("select status, attempts from sync_task where clinic_id = ? and kind = 'REMS_FORM' and record_id = ?")
                .params(ESKETAMINE_CLINIC, session).query().listOfRows().stream().findFirst().orElse(null);
    }

    private String status(String clinic, String recordId) {
        return jdbc.sql("select status from sync_task where clinic_id = ? and record_id = ?").params(clinic, recordId)
                .query(String.class).optional().orElse(null);
    }

    private long requests(String statusClass) {
        return Search.in(meters).name("ketabridge.ehr.requests").tags("clinic", CLINIC, "status_class", statusClass)
                .timers().stream().mapToLong(t -> t.count()).sum();
    }

    private static Object versionOf(List<Map<String, Object>> tasks, String kind, String recordId, int nth) {
        return tasks.stream().filter(t -> kind.equals(t.get("kind")) && recordId.equals(t.get("record_id")))
                .skip(nth - 1).findFirst().orElseThrow().get("record_version_id");
    }

    private void post(String collection, String json) throws Exception {
        post(CLINIC, collection, json);
    }

    private void post(String clinic, String collection, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/clinics/" + clinic + "/" + collection))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TestTokens.clinicIt(clinic))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
}
