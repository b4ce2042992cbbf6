package org.ketabridge.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.score;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.RestrictedEhr;
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
 * Not accepted by this EHR (issue 13, items 1 and 4), as clinic IT meets it, with the whole bridge:
 * <ul>
 * <li>{@code north.side_1} (a '.' and a '_' in its id, as in its record ids) takes no
 *     MedicationAdministration and no Provenance, and only creates Observations: a dose is not
 *     sent (no request for it or its body weight reaches the EHR), counted and listed as not
 *     accepted, and in the auditors' store all the same; its patient and encounter go without
 *     their Provenance, noted; a score's first version is created, its second not sent and listed;
 * <li>{@code south} takes no Encounter: the encounter is not accepted, and its score and dose do not
 *     wait for it: they are sent without their reference to it;
 * <li>{@code west} creates Encounters conditionally: the answer to the first create is lost, the
 *     create is sent again once it has settled, and the EHR holds one encounter;
 * <li>{@code east} ({@code write-mode: auto}) has a CapabilityStatement without Patient create: its
 *     patients are not accepted, and neither is what refers to them (a subject is required), said
 *     by the connection check as by the sync.
 * </ul>
 * The bridge runs in a context and a database of its own, closed after this class.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:not-accepted-sync;DB_CLOSE_DELAY=-1")
@ActiveProfiles("test")
@DirtiesContext
class NotAcceptedSyncTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration SYNCED = Duration.ofSeconds(90);
    private static final String NORTH = "north.side_1";

    private static final RestrictedEhr NORTH_OBSERVATIONS = new RestrictedEhr();
    private static final RestrictedEhr WEST_ENCOUNTERS = new RestrictedEhr();
    private static final WireMockServer NORTH_EHR = start(NORTH_OBSERVATIONS, "Observation");
    private static final WireMockServer SOUTH_EHR = start(null, null);
    private static final WireMockServer WEST_EHR = start(WEST_ENCOUNTERS, "Encounter");
    private static final WireMockServer EAST_EHR = start(null, null);

    static {
        WEST_ENCOUNTERS.conditionalCreates("Encounter");
        // HAPI's own statement, but Patient may only be read: the plan says none for it.
        CapabilityStatement statement = hapiStatement();
        statement.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Patient"))
                .forEach(r -> r.getInteraction().removeIf(i -> i.getCode() != CapabilityStatement.TypeRestfulInteraction.READ));
        EAST_EHR.stubFor(WireMock.get(urlPathEqualTo("/fhir/metadata")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/fhir+json")
                .withBody(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(statement))));
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ResourceValidator validator;

    private static WireMockServer start(RestrictedEhr restricted, String types) {
        WireMockServer server = restricted == null
                ? new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(false))
                : new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(false).extensions(restricted));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        FakeEhr.acceptEverything(server);
        if (restricted != null) {
            restricted.serve(server, types);
        }
        return server;
    }

    /** HAPI FHIR 8.8.0's own CapabilityStatement (the one WritePlanTest reads). */
    private static CapabilityStatement hapiStatement() {
        try {
            return FhirContext.forR4Cached().newJsonParser().parseResource(CapabilityStatement.class,
                    Files.readString(Path.of("src/test/resources/capability-statements/hapi-8.8.0.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void clinics(DynamicPropertyRegistry r) {
        clinic(r, 0, NORTH, NORTH_EHR);
        r.add("bridge.clinics[0].ehr.resources.MedicationAdministration", () -> "none");
        r.add("bridge.clinics[0].ehr.resources.Provenance", () -> "none");
        r.add("bridge.clinics[0].ehr.resources.Observation", () -> "create-only");
        clinic(r, 1, "south", SOUTH_EHR);
        r.add("bridge.clinics[1].ehr.resources.Encounter", () -> "none");
        clinic(r, 2, "west", WEST_EHR);
        r.add("bridge.clinics[2].ehr.resources.Encounter", () -> "conditional-create");
        clinic(r, 3, "east", EAST_EHR);
        r.add("bridge.clinics[3].ehr.write-mode", () -> "auto");
    }

    private static void clinic(DynamicPropertyRegistry r, int i, String id, WireMockServer ehr) {
        String c = "bridge.clinics[" + i + "].";
        r.add(c + "id", () -> id);
        r.add(c + "time-zone", () -> "America/Denver");
        r.add(c + "ehr.type", () -> "fhir");
        r.add(c + "ehr.base-url", () -> ehr.baseUrl() + "/fhir");
        r.add(c + "ehr.write-mode", () -> "per-resource");
        r.add(c + "ehr.request-timeout", () -> "1s");
    }

    @Test
    void aDoseAtAnEhrThatTakesNoMedicationAdministrationIsNotSentButCountedListedAndStored() throws Exception {
        await().atMost(Duration.ofMinutes(5)).until(validator::isReady);
        String mrn = "M.1_a";
        String dose = "D.1_a";
        String score = "S.1_a";
        send(NORTH, "patients", patient(mrn));
        String encounterReceipt = send(NORTH, "encounters", encounter("E.1_a", mrn));
        String doseReceipt = send(NORTH, "doses", dose(dose, "E.1_a", mrn));
        send(NORTH, "scores", score(score, "E.1_a", mrn, 1, 2, 1, 0, 1, 2, 1, 0, 0));

        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(taskStatus(NORTH, "PATIENT", mrn)).isEqualTo("SENT");
            assertThat(taskStatus(NORTH, "ENCOUNTER", "E.1_a")).isEqualTo("SENT");
            assertThat(taskStatus(NORTH, "DOSE", dose)).isEqualTo("NOT_ACCEPTED");
            assertThat(taskStatus(NORTH, "SCORE", score)).isEqualTo("SENT");
        });
        // A second version of the score: the EHR only creates Observations.
        send(NORTH, "scores", score(score, "E.1_a", mrn, 3, 3, 3, 2, 2, 2, 1, 1, 0));
        await().atMost(SYNCED).untilAsserted(() -> assertThat(taskStatus(NORTH, "SCORE", score)).isEqualTo("NOT_ACCEPTED"));

        // Clinic IT's counts and list.
        JsonNode sync = JSON.readTree(get("/api/v1/clinics/" + NORTH + "/sync", TestTokens.clinicIt(NORTH)).body());
        assertThat(sync.path("tasks").path("notAccepted").asInt()).isEqualTo(2);
        assertThat(sync.path("tasks").path("dead").asInt()).isZero();
        HttpResponse<String> listed = get("/api/v1/clinics/" + NORTH + "/sync/not-accepted", TestTokens.clinicIt(NORTH));
        assertThat(listed.statusCode()).isEqualTo(200);
        List<JsonNode> notAccepted = new ArrayList<>();
        JSON.readTree(listed.body()).path("notAccepted").forEach(notAccepted::add);
        assertThat(notAccepted).hasSize(2);
        assertThat(notAccepted.get(0).path("kind").asText()).isEqualTo("DOSE");
        assertThat(notAccepted.get(0).path("recordId").asText()).isEqualTo(dose);
        assertThat(notAccepted.get(0).path("version").asInt()).isEqualTo(1);
        assertThat(notAccepted.get(0).path("resourceType").asText()).isEqualTo("MedicationAdministration");
        assertThat(notAccepted.get(0).path("reason").asText())
                .isEqualTo("this EHR does not accept MedicationAdministration (plan: none, from configuration)");
        assertThat(notAccepted.get(0).path("taskId").asLong()).isPositive();
        assertThat(notAccepted.get(0).path("at").asText()).isNotEmpty();
        assertThat(notAccepted.get(1).path("recordId").asText()).isEqualTo(score);
        assertThat(notAccepted.get(1).path("version").asInt()).isEqualTo(2);
        assertThat(notAccepted.get(1).path("resourceType").asText()).isEqualTo("Observation");
        assertThat(notAccepted.get(1).path("reason").asText())
                .isEqualTo("this EHR takes no changes to Observation (create-only): version 2 not sent");
        // Not dead letters: nothing to replay.
        assertThat(JSON.readTree(get("/api/v1/clinics/" + NORTH + "/dead-letters", TestTokens.clinicIt(NORTH)).body())
                .path("deadLetters").size()).isZero();
        // As the dead letters: clinic IT of another clinic is told no such clinic, an auditor is forbidden.
        assertThat(get("/api/v1/clinics/" + NORTH + "/sync/not-accepted", TestTokens.clinicIt("south")).statusCode())
                .isEqualTo(404);
        assertThat(get("/api/v1/clinics/" + NORTH + "/sync/not-accepted", TestTokens.auditor(NORTH)).statusCode())
                .isEqualTo(403);

        // The receipts say where each record stands.
        JsonNode doseLine = JSON.readTree(get("/api/v1/clinics/" + NORTH + "/receipts/" + doseReceipt,
                TestTokens.clinicIt(NORTH)).body()).path("records").get(0);
        assertThat(doseLine.path("stage").asText()).isEqualTo("not-accepted");
        assertThat(doseLine.path("reason").asText()).startsWith("this EHR does not accept MedicationAdministration");
        JsonNode encounterLine = JSON.readTree(get("/api/v1/clinics/" + NORTH + "/receipts/" + encounterReceipt,
                TestTokens.clinicIt(NORTH)).body()).path("records").get(0);
        assertThat(encounterLine.path("stage").asText()).isEqualTo("sent");
        assertThat(encounterLine.path("note").asText())
                .isEqualTo("Provenance not sent: this EHR does not accept Provenance (plan: none, from configuration)");

        // The EHR heard nothing of the dose (nor of its body weight), nor of any Provenance; one score, as first sent.
        assertThat(paths(NORTH_EHR)).noneMatch(p -> p.startsWith("/fhir/MedicationAdministration"))
                .noneMatch(p -> p.startsWith("/fhir/Provenance"));
        assertThat(NORTH_OBSERVATIONS.postsOf("urn:ketabridge:" + NORTH + "/dose-weight", dose)).isZero();
        assertThat(NORTH_OBSERVATIONS.postsOf("urn:ketabridge:" + NORTH + "/score", score)).isEqualTo(1);
        assertThat(NORTH_OBSERVATIONS.held("urn:ketabridge:" + NORTH + "/score", score)).isEqualTo(1);

        // The auditors' store holds the dose all the same (its own path, its own queue).
        String storedDose = "/fhir/MedicationAdministration?identifier="
                + URLEncoder.encode("urn:ketabridge:" + NORTH + "/dose|" + dose, StandardCharsets.UTF_8);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            HttpResponse<String> found = get(storedDose, TestTokens.auditor(NORTH));
            assertThat(found.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(found.body()).path("total").asInt()).isEqualTo(1);
        });
    }

    /** What refers to an encounter the EHR does not take does not wait for it: it goes without the reference. */
    @Test
    void whatRefersToAnEncounterTheEhrDoesNotTakeGoesWithoutTheReference() throws Exception {
        await().atMost(Duration.ofMinutes(5)).until(validator::isReady);
        String mrn = "M.2_b";
        send("south", "patients", patient(mrn));
        // The score before its encounter: it would have waited for it.
        send("south", "scores", score("S.2_b", "E.2_b", mrn, 1, 2, 1, 0, 1, 2, 1, 0, 0));
        await().atMost(SYNCED).untilAsserted(() -> assertThat(taskStatus("south", "SCORE", "S.2_b")).isEqualTo("SENT"));
        send("south", "encounters", encounter("E.2_b", mrn));
        send("south", "doses", dose("D.2_b", "E.2_b", mrn));

        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(taskStatus("south", "ENCOUNTER", "E.2_b")).isEqualTo("NOT_ACCEPTED");
            assertThat(taskStatus("south", "DOSE", "D.2_b")).isEqualTo("SENT");
        });
        JsonNode scoreSent = body(SOUTH_EHR, "/fhir/Observation?identifier="
                + URLEncoder.encode("urn:ketabridge:south/score|S.2_b", StandardCharsets.UTF_8));
        assertThat(scoreSent.has("encounter")).isFalse();
        assertThat(scoreSent.path("subject").path("reference").asText()).startsWith("Patient/");
        JsonNode doseSent = body(SOUTH_EHR, "/fhir/MedicationAdministration?identifier="
                + URLEncoder.encode("urn:ketabridge:south/dose|D.2_b", StandardCharsets.UTF_8));
        assertThat(doseSent.has("context")).isFalse();
        assertThat(paths(SOUTH_EHR)).noneMatch(p -> p.startsWith("/fhir/Encounter"));
        assertThat(jdbc.sql("select note from sync_task where clinic_id = 'south' and kind = 'SCORE'").query(String.class)
                .single()).isEqualTo("sent without its reference to Encounter: this EHR does not accept Encounter"
                + " (plan: none, from configuration)");
    }

    /** The EHR stores the first conditional create and the connection breaks before its answer. */
    @Test
    void aConditionalCreateWhoseAnswerWasLostIsSentAgainAndTheEhrHoldsOne() throws Exception {
        await().atMost(Duration.ofMinutes(5)).until(validator::isReady);
        WEST_ENCOUNTERS.loseNextPostAnswer("Encounter");
        String mrn = "M.3_c";
        send("west", "patients", patient(mrn));
        send("west", "encounters", encounter("E.3_c", mrn));

        await().atMost(SYNCED).untilAsserted(() -> assertThat(taskStatus("west", "ENCOUNTER", "E.3_c")).isEqualTo("SENT"));
        assertThat(WEST_ENCOUNTERS.postsOf("urn:ketabridge:west/encounter", "E.3_c")).as("sent twice").isEqualTo(2);
        assertThat(WEST_ENCOUNTERS.held("urn:ketabridge:west/encounter", "E.3_c")).as("held once").isEqualTo(1);
        assertThat(jdbc.sql("select state from ehr_resource where clinic_id = 'west' and resource_type = 'Encounter'"
                + " and identifier_value = 'E.3_c'").query(String.class).single()).isEqualTo("CREATED");
    }

    /**
     * An EHR whose statement says it takes no Patient: the patient is not accepted, nor is what
     * refers to it (it cannot be sent without its subject), and nothing waits for it.
     */
    @Test
    void whatRefersToAPatientTheEhrDoesNotTakeIsNotAcceptedEither() throws Exception {
        await().atMost(Duration.ofMinutes(5)).until(validator::isReady);
        String mrn = "M.4_d";
        // The encounter first: it would have waited for its patient.
        send("east", "encounters", encounter("E.4_d", mrn));
        await().atMost(SYNCED).untilAsserted(() ->
                assertThat(taskStatus("east", "ENCOUNTER", "E.4_d")).isEqualTo("NOT_ACCEPTED"));
        send("east", "patients", patient(mrn));
        await().atMost(SYNCED).untilAsserted(() -> assertThat(taskStatus("east", "PATIENT", mrn)).isEqualTo("NOT_ACCEPTED"));

        List<JsonNode> listed = new ArrayList<>();
        JSON.readTree(get("/api/v1/clinics/east/sync/not-accepted", TestTokens.clinicIt("east")).body())
                .path("notAccepted").forEach(listed::add);
        assertThat(listed).extracting(n -> n.path("recordId").asText() + ": " + n.path("resourceType").asText()
                + ": " + n.path("reason").asText()).containsExactly(
                "E.4_d: Patient: this EHR does not accept Patient (plan: none, from statement): an Encounter cannot be sent"
                        + " without its patient (its subject is required)",
                mrn + ": Patient: this EHR does not accept Patient (plan: none, from statement)");
        assertThat(paths(EAST_EHR)).containsOnly("/fhir/metadata");

        HttpResponse<String> check = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/clinics/east/ehr/check")).header("Authorization", "Bearer " + TestTokens.clinicIt("east"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        List<String> problems = new ArrayList<>();
        JSON.readTree(check.body()).path("problems").forEach(p -> problems.add(p.asText()));
        assertThat(problems).contains("Patient: not accepted by this EHR (its CapabilityStatement declares no create for it);"
                + " every record refers to its patient, so none of this clinic's records can be sent");
    }

    // --- helpers ---

    /** Posts one record as clinic IT of its clinic: the receipt id. */
    private String send(String clinic, String kind, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/clinics/" + clinic + "/" + kind))
                .header("Authorization", "Bearer " + TestTokens.clinicIt(clinic))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).path("receiptId").asText();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private String taskStatus(String clinicId, String kind, String recordId) {
        return jdbc.sql("select status from sync_task where clinic_id = ? and kind = ? and record_id = ? order by id desc"
                        + " fetch first 1 rows only")
                .params(clinicId, kind, recordId).query(String.class).optional().orElse(null);
    }

    private static List<String> paths(WireMockServer ehr) {
        return ehr.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).toList();
    }

    /** The body of the one request the EHR received at that URL. */
    private static JsonNode body(WireMockServer ehr, String url) throws Exception {
        List<ServeEvent> events = ehr.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals(url)).toList();
        assertThat(events).as(url).hasSize(1);
        return JSON.readTree(events.get(0).getRequest().getBodyAsString());
    }
}
