package org.ketabridge.sync;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.LogEvents;
import org.ketabridge.support.MovableClock;
import org.ketabridge.support.RestrictedEhr;
import org.ketabridge.support.TestTokens;
import org.ketabridge.support.TransactionResponder;
import org.ketabridge.validation.ResourceValidator;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The EHR's patient (issue 13, {@code match}) through the whole bridge: clinics whose EHR registers
 * its patients at the front desk, under its own MRN identifier system ({@link RestrictedEhr} for
 * Patient: no conditional write of one; searched by identifier), configured
 * {@code ehr.resources.Patient: match} with {@code ehr.patient-identifier-system}. What clinic IT
 * sees: the EHR's patients are never written, the clinic's encounters and doses refer to the EHR's
 * own Patient id; a patient the front desk has not registered yet is shown as awaited in the sync
 * view (not dead, no attempt spent) and goes by itself once registered; two patients with one MRN
 * are an alarm and hold everything that refers to the patient.
 *
 * <p>The bridge runs in a context of its own (these clinics only; no auditors' store) on a clock
 * the test moves: when a waiting patient is looked for again is proven by the clock, not by waiting.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bridge.auditor-store.enabled=false", "spring.datasource.url=jdbc:h2:mem:ehr-patient-match;DB_CLOSE_DELAY=-1"})
@ActiveProfiles("test")
@DirtiesContext
class EhrPatientMatchSyncTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration SYNCED = Duration.ofMinutes(3);
    private static final String EHR_MRNS = "https://hospital.example.org/fhir/sid/mrn";
    private static final MovableClock CLOCK = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private static final RestrictedEhr FRONT_DESK = new RestrictedEhr();
    private static final WireMockServer EHR = startEhr();

    @TestConfiguration
    static class MovedClock {
        @Bean
        @Primary
        MovableClock movableClock() {
            return CLOCK;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ResourceValidator validator;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    private static WireMockServer startEhr() {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(false)
                .extensions(FRONT_DESK, new TransactionResponder()));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        FakeEhr.acceptEverything(server);
        FRONT_DESK.serve(server, "Patient");
        return server;
    }

    @DynamicPropertySource
    static void clinics(DynamicPropertyRegistry r) {
        clinic(r, 0, "match-found", "per-resource");
        clinic(r, 1, "match-found-tx", "transaction");
        clinic(r, 2, "match-later", "per-resource");
        clinic(r, 3, "match-twins", "per-resource");
    }

    private static void clinic(DynamicPropertyRegistry r, int i, String id, String writeMode) {
        String c = "bridge.clinics[" + i + "].";
        r.add(c + "id", () -> id);
        r.add(c + "time-zone", () -> "UTC");
        r.add(c + "ehr.type", () -> "fhir");
        r.add(c + "ehr.base-url", () -> EHR.baseUrl() + "/fhir");
        r.add(c + "ehr.write-mode", () -> writeMode);
        r.add(c + "ehr.request-timeout", () -> "30s");
        r.add(c + "ehr.resources.Patient", () -> "match");
        r.add(c + "ehr.patient-identifier-system", () -> EHR_MRNS);
    }

    @BeforeEach
    void ready() {
        await().atMost(Duration.ofMinutes(5)).until(validator::isReady);
        log.start();
        ((Logger) LoggerFactory.getLogger("org.ketabridge")).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger("org.ketabridge")).detachAppender(log);
    }

    /** The front desk registered the patient: found, never written; what refers to it refers to the EHR's id. */
    @ParameterizedTest
    @ValueSource(strings = {"match-found", "match-found-tx"})
    void aPatientTheEhrHoldsIsReferredToByItsEhrIdAndNeverWritten(String clinic) throws Exception {
        String p = prefix();
        String mrn = p + ".M_1";
        String registered = FRONT_DESK.storedBehindTheBridgesBack(registeredPatient(mrn));

        send(clinic, "patients", patient(mrn));
        send(clinic, "encounters", encounter(p + "-E1", mrn));
        send(clinic, "doses", dose(p + "-D1", p + "-E1", mrn));
        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(taskStatus(clinic, "PATIENT", mrn)).isEqualTo("SENT");
            assertThat(taskStatus(clinic, "ENCOUNTER", p + "-E1")).isEqualTo("SENT");
            assertThat(taskStatus(clinic, "DOSE", p + "-D1")).isEqualTo("SENT");
        });

        assertThat(ehrReference(clinic, "PATIENT", mrn)).isEqualTo(registered);
        assertThat(patientWrites()).as("no POST or PUT of a Patient, alone or in a transaction").isEmpty();
        assertThat(searchesFor(mrn)).isEqualTo(1);
        List<String> bodies = new ArrayList<>(writesOf("Encounter", p + "-E1"));
        bodies.addAll(writesOf("MedicationAdministration", p + "-D1"));
        assertThat(bodies).as("the encounter and the dose were written").hasSizeGreaterThanOrEqualTo(2);
        assertThat(bodies).allSatisfy(body -> assertThat(body).contains("\"reference\":\"" + registered + "\"")
                .doesNotContain("\"resourceType\":\"Patient\""));

        // The clinic corrects the patient's name: the new version is matched again, nothing written.
        send(clinic, "patients", patient(mrn, "Corrected"));
        await().atMost(SYNCED).until(() -> sentVersions(clinic, "PATIENT", mrn) == 2);
        assertThat(patientWrites()).isEmpty();
        assertThat(searchesFor(mrn)).isEqualTo(2);
        assertThat(((Patient) FRONT_DESK.get(registered)).getNameFirstRep().getFamily()).isEqualTo("Registered");
    }

    /**
     * Not registered yet: the patient record waits (pending, no attempt spent, counted in the sync
     * view), the encounter waits for it; the EHR is searched again only once ehr.patient-recheck
     * (5 minutes) has passed on the bridge's clock; then everything goes.
     */
    @Test
    void aPatientTheEhrRegistersLaterIsAwaitedVisiblyAndFoundAtTheNextRecheck() throws Exception {
        String clinic = "match-later";
        String p = prefix();
        String mrn = p + "-M";
        send(clinic, "patients", patient(mrn));
        send(clinic, "encounters", encounter(p + "-E1", mrn));

        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(awaiting(clinic, mrn)).isEqualTo("EHR_PATIENT");
            assertThat(taskStatus(clinic, "ENCOUNTER", p + "-E1")).isEqualTo("WAITING");
        });
        Instant searchedAt = CLOCK.instant();
        assertThat(taskStatus(clinic, "PATIENT", mrn)).as("not dead").isEqualTo("PENDING");
        assertThat(column(clinic, mrn, "attempts")).as("no attempt spent").isEqualTo("0");
        assertThat(nextAttemptAt(clinic, mrn))
                .as("looked for again after ehr.patient-recheck, by the bridge's clock").isEqualTo(searchedAt.plus(Duration.ofMinutes(5)));
        assertThat(column(clinic, mrn, "last_error")).startsWith("the EHR holds no patient with this MRN under " + EHR_MRNS + " yet:");
        JsonNode sync = JSON.readTree(get("/api/v1/clinics/" + clinic + "/sync", clinic).body());
        assertThat(sync.path("tasks").path("awaitingEhrPatient").asInt()).isEqualTo(1);
        assertThat(sync.path("tasks").path("dead").asInt()).isZero();
        assertThat(sync.path("patients").path("mode").asText()).isEqualTo("match");
        assertThat(sync.path("patients").path("identifierSystem").asText()).isEqualTo(EHR_MRNS);

        // The front desk registers the patient. Four minutes on: not looked for yet.
        String registered = FRONT_DESK.storedBehindTheBridgesBack(registeredPatient(mrn));
        CLOCK.advance(Duration.ofMinutes(4));
        assertThat(searchesFor(mrn)).as("one search, however many polls ran meanwhile").isEqualTo(1);
        assertThat(taskStatus(clinic, "PATIENT", mrn)).isEqualTo("PENDING");
        // Five minutes after the search: found, and what waited for it goes.
        CLOCK.advance(Duration.ofMinutes(1));
        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(taskStatus(clinic, "PATIENT", mrn)).isEqualTo("SENT");
            assertThat(taskStatus(clinic, "ENCOUNTER", p + "-E1")).isEqualTo("SENT");
        });
        assertThat(searchesFor(mrn)).isEqualTo(2);
        assertThat(ehrReference(clinic, "PATIENT", mrn)).isEqualTo(registered);
        assertThat(writesOf("Encounter", p + "-E1")).isNotEmpty()
                .allSatisfy(body -> assertThat(body).contains("\"reference\":\"" + registered + "\""));
        assertThat(awaiting(clinic, mrn)).isNull();
        assertThat(JSON.readTree(get("/api/v1/clinics/" + clinic + "/sync", clinic).body()).path("tasks")
                .path("awaitingEhrPatient").asInt()).isZero();
        assertThat(patientWrites()).isEmpty();
        assertThat(LogEvents.of(log)).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(mrn));
    }

    /** Two patients with one MRN: an alarm naming the words to act on, the patient's records held; after the merge, a replay sends all. */
    @Test
    void twoPatientsWithOneMrnAreAnAlarmAndHoldWhatRefersToThePatient() throws Exception {
        String clinic = "match-twins";
        String p = prefix();
        String mrn = p + "-M";
        String first = FRONT_DESK.storedBehindTheBridgesBack(registeredPatient(mrn));
        String second = FRONT_DESK.storedBehindTheBridgesBack(registeredPatient(mrn));
        send(clinic, "patients", patient(mrn));
        send(clinic, "encounters", encounter(p + "-E1", mrn));

        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(taskStatus(clinic, "PATIENT", mrn)).isEqualTo("DEAD");
            assertThat(taskStatus(clinic, "ENCOUNTER", p + "-E1")).isEqualTo("WAITING");
        });
        assertThat(column(clinic, mrn, "last_error")).isEqualTo("2 patients in the EHR carry this MRN under " + EHR_MRNS
                + ": merge them in the EHR, then replay this record (the bridge does not guess which one is the patient)");
        long deadTask = Long.parseLong(column(clinic, mrn, "id"));
        JsonNode sync = JSON.readTree(get("/api/v1/clinics/" + clinic + "/sync", clinic).body());
        List<JsonNode> alarms = new ArrayList<>();
        sync.path("alarms").forEach(alarms::add);
        assertThat(alarms).singleElement().satisfies(a -> {
            assertThat(a.path("alarm").asText()).isEqualTo("EHR_HOLDS_DUPLICATES");
            assertThat(a.path("resourceType").asText()).isEqualTo("Patient");
            assertThat(a.path("taskId").asLong()).isEqualTo(deadTask);
            assertThat(a.path("waiting").asInt()).as("the encounter waits for the patient").isEqualTo(1);
        });
        assertThat(writesOf("Encounter", p + "-E1")).as("nothing sent for the encounter").isEmpty();
        List<ILoggingEvent> errors = LogEvents.of(log).stream().filter(e -> e.getLevel() == Level.ERROR)
                .filter(e -> e.getFormattedMessage().contains("task " + deadTask + " ")).toList();
        assertThat(errors).singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("duplicates of one Patient")
                .doesNotContain(mrn));

        // Clinic IT merges the two in the EHR (one is left), then replays: the patient is found, the encounter goes.
        FRONT_DESK.delete(second);
        assertThat(post("/api/v1/clinics/" + clinic + "/dead-letters/" + deadTask + "/replay", clinic).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(taskStatus(clinic, "PATIENT", mrn)).isEqualTo("SENT");
            assertThat(taskStatus(clinic, "ENCOUNTER", p + "-E1")).isEqualTo("SENT");
        });
        assertThat(ehrReference(clinic, "PATIENT", mrn)).isEqualTo(first);
        assertThat(JSON.readTree(get("/api/v1/clinics/" + clinic + "/sync", clinic).body()).path("alarms")).isEmpty();
        assertThat(patientWrites()).isEmpty();
        assertThat(LogEvents.of(log)).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(mrn));
    }

    // --- helpers ---

    private static Patient registeredPatient(String mrn) {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(EHR_MRNS).setValue(mrn);
        patient.addName().setFamily("Registered");
        return patient;
    }

    /** Every POST or PUT to a Patient, and every transaction entry that is one. */
    private static List<String> patientWrites() {
        List<String> writes = new ArrayList<>();
        for (ServeEvent e : EHR.getAllServeEvents()) {
            String method = e.getRequest().getMethod().getName();
            String url = e.getRequest().getUrl();
            if ((method.equals("POST") || method.equals("PUT")) && (url.startsWith("/fhir/Patient")
                    || url.equals("/fhir") && e.getRequest().getBodyAsString().contains("\"resourceType\":\"Patient\""))) {
                writes.add(method + " " + url);
            }
        }
        return writes;
    }

    /** How many times the EHR was searched for a patient with this MRN under its system. */
    private static long searchesFor(String mrn) {
        return EHR.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().getName().equals("GET"))
                .map(e -> URLDecoder.decode(e.getRequest().getUrl(), StandardCharsets.UTF_8))
                .filter(url -> url.equals("/fhir/Patient?identifier=" + EHR_MRNS + "|" + mrn + "&_count=2"))
                .count();
    }

    /**
     * The bodies of the writes of one record's main resource, as received: its conditional PUT
     * ({@code Type?identifier=...|id}), or the transaction Bundle that carries it.
     */
    private static List<String> writesOf(String type, String recordId) {
        return EHR.getAllServeEvents().stream().filter(e -> {
            String method = e.getRequest().getMethod().getName();
            String url = URLDecoder.decode(e.getRequest().getUrl(), StandardCharsets.UTF_8);
            String body = e.getRequest().getBodyAsString();
            return method.equals("PUT") && url.startsWith("/fhir/" + type + "?identifier=") && url.endsWith("|" + recordId)
                    || method.equals("POST") && url.equals("/fhir") && body.contains("\"resourceType\":\"" + type + "\"")
                    && body.contains("\"value\":\"" + recordId + "\"");
        }).map(e -> e.getRequest().getBodyAsString()).toList();
    }

    private void send(String clinic, String kind, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/clinics/" + clinic + "/" + kind)).header("Authorization", "Bearer " + TestTokens.clinicIt(clinic))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private HttpResponse<String> get(String path, String clinic) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + TestTokens.clinicIt(clinic)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String clinic) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + TestTokens.clinicIt(clinic)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String taskStatus(String clinic, String kind, String recordId) {
        return jdbc.sql("select status from sync_task where clinic_id = ? and kind = ? and record_id = ? order by id desc"
                        + " fetch first 1 rows only")
                .params(clinic, kind, recordId).query(String.class).optional().orElse(null);
    }

    private int sentVersions(String clinic, String kind, String recordId) {
        return jdbc.sql("select count(*) from sync_task where clinic_id = ? and kind = ? and record_id = ? and status = 'SENT'")
                .params(clinic, kind, recordId).query(Integer.class).single();
    }

    private String ehrReference(String clinic, String kind, String recordId) {
        return jdbc.sql("select ehr_reference from sync_task where clinic_id = ? and kind = ? and record_id = ? order by id desc"
                        + " fetch first 1 rows only")
                .params(clinic, kind, recordId).query(String.class).single();
    }

    /** One column of the patient record's latest task, as text. */
    private String column(String clinic, String mrn, String column) {
        return jdbc.sql("select cast(" + column + " as varchar(4000)) from sync_task where clinic_id = ? and kind = 'PATIENT'"
                        + " and record_id = ? order by id desc fetch first 1 rows only")
                .params(clinic, mrn).query(String.class).optional().orElse(null);
    }

    private Instant nextAttemptAt(String clinic, String mrn) {
        return jdbc.sql("select next_attempt_at from sync_task where clinic_id = ? and kind = 'PATIENT' and record_id = ?"
                        + " order by id desc fetch first 1 rows only")
                .params(clinic, mrn).query((rs, i) -> rs.getObject(1, OffsetDateTime.class).toInstant()).single();
    }

    private String awaiting(String clinic, String mrn) {
        return column(clinic, mrn, "awaiting");
    }
}
