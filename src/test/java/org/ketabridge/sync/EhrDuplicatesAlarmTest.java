package org.ketabridge.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import com.github.tomakehurst.wiremock.client.WireMock;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.LogEvents;
import org.slf4j.LoggerFactory;

/**
 * The EHR already holds two EpisodeOfCare for one series, so every conditional write of it is
 * answered 412 (HAPI: "Multiple resources match this search"). That is not a bad record but an
 * EHR clinic IT must repair: the bridge raises an alarm they see (the sync view and the dead-letter
 * view name it, one error in the log, without patient data), and what needs the series waits for
 * the repair instead of being dead-lettered write after write. After the repair, replaying the
 * one dead letter sends everything. Alpha writes per resource, beta in transactions.
 */
class EhrDuplicatesAlarmTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SYNCED = Duration.ofMinutes(3);

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        // It counts the series' writes: none timed out by a machine busy starting the store.
        awaitAuditorsStore();
        log.start();
        ((Logger) LoggerFactory.getLogger("org.ketabridge")).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger("org.ketabridge")).detachAppender(log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alpha", "beta"})
    void multipleMatchesInTheEhrRaiseAnAlarmAndHoldWhatNeedsTheResource(String clinic) throws Exception {
        WireMockServer ehr = clinic.equals("alpha") ? ALPHA_EHR : BETA_EHR;
        String p = prefix();
        String mrn = p + "-M";
        String series = "S-" + mrn;
        String matchUrl = "EpisodeOfCare?identifier="
                + URLEncoder.encode("urn:ketabridge:" + clinic + "/series|" + series, StandardCharsets.UTF_8);
        if (clinic.equals("alpha")) {
            ehr.stubFor(put(urlPathEqualTo("/fhir/EpisodeOfCare"))
                    .withQueryParam("identifier", equalTo("urn:ketabridge:" + clinic + "/series|" + series))
                    .atPriority(1).willReturn(multipleMatches("HAPI-0988: Failed to UPDATE resource with match URL \\\""
                            + matchUrl + "\\\" because this search matched 2 resources")));
        } else {
            ehr.stubFor(WireMock.post(urlPathEqualTo("/fhir")).withRequestBody(containing("\"" + series + "\""))
                    .atPriority(1).willReturn(multipleMatches("HAPI-2207: Invalid match URL \\\"" + matchUrl
                            + "\\\" - Multiple resources match this search")));
        }

        send(clinic, "patients", patient(mrn));
        send(clinic, "encounters", ndjson(encounter(p + "-E1", mrn), encounter(p + "-E2", mrn)));
        send(clinic, "doses", ndjson(dose(p + "-D1", p + "-E1", mrn)));

        // One encounter met the duplicates and is a dead letter; the other waits for the series,
        // the dose for its encounter.
        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(List.of(taskStatus(clinic, "ENCOUNTER", p + "-E1"), taskStatus(clinic, "ENCOUNTER", p + "-E2")))
                    .containsExactlyInAnyOrder("DEAD", "WAITING");
            assertThat(taskStatus(clinic, "DOSE", p + "-D1")).isEqualTo("WAITING");
        });
        String dead = "DEAD".equals(taskStatus(clinic, "ENCOUNTER", p + "-E1")) ? p + "-E1" : p + "-E2";
        long deadTask = jdbc.sql("select id from sync_task where clinic_id = ? and kind = 'ENCOUNTER' and record_id = ?")
                .params(clinic, dead).query(Long.class).single();
        assertThat(taskStatus(clinic, "PATIENT", mrn)).isEqualTo("SENT");

        // Clinic IT sees the alarm: in the sync view, with what waits for the resource ...
        JsonNode sync = JSON.readTree(httpGet("/api/v1/clinics/" + clinic + "/sync").body());
        List<JsonNode> alarms = new ArrayList<>();
        sync.path("alarms").forEach(alarms::add);
        assertThat(alarms).filteredOn(a -> a.path("taskId").asLong() == deadTask).singleElement().satisfies(a -> {
            assertThat(a.path("alarm").asText()).isEqualTo("EHR_HOLDS_DUPLICATES");
            assertThat(a.path("resourceType").asText()).isEqualTo("EpisodeOfCare");
            assertThat(a.path("recordId").asText()).isEqualTo(dead);
            assertThat(a.path("waiting").asInt()).as("the other encounter waits for the series").isEqualTo(1);
        });
        // ... and in the dead-letter view, the dead letter flagged as such.
        JsonNode letters = JSON.readTree(httpGet("/api/v1/clinics/" + clinic + "/dead-letters").body());
        List<JsonNode> flagged = new ArrayList<>();
        letters.path("deadLetters").forEach(d -> {
            if (d.path("id").asLong() == deadTask) {
                flagged.add(d);
            }
        });
        assertThat(flagged).singleElement().satisfies(d ->
                assertThat(d.path("alarm").asText()).isEqualTo("EHR_HOLDS_DUPLICATES"));

        // The alarm holds the series: nobody writes it again while the EHR holds duplicates.
        Thread.sleep(1_000);
        assertThat(FakeEhr.writes(ehr)).as("writes of the series the EHR answered 412 (a transaction counts once)")
                .filteredOn(w -> w.status() == 412 && w.identifier().endsWith("/series|" + series)).hasSize(1);
        assertThat(taskStatus(clinic, "ENCOUNTER", dead.endsWith("E1") ? p + "-E2" : p + "-E1")).isEqualTo("WAITING");

        // One error in the log, naming task and clinic, no patient data (MRN, series, EHR's message).
        List<ILoggingEvent> errors = LogEvents.of(log).stream().filter(e -> e.getLevel() == Level.ERROR)
                .filter(e -> e.getFormattedMessage().contains("task " + deadTask + " ")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).getFormattedMessage()).contains("duplicates").contains("EpisodeOfCare")
                .doesNotContain(mrn).doesNotContain(p);
        assertThat(LogEvents.of(log)).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(mrn));

        // Clinic IT merges the duplicates in the EHR and replays the dead letter: everything goes.
        FakeEhr.reset(ehr);
        assertThat(httpPost("/api/v1/clinics/" + clinic + "/dead-letters/" + deadTask + "/replay", "application/json", "")
                .statusCode()).isEqualTo(202);
        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(taskStatus(clinic, "ENCOUNTER", p + "-E1")).isEqualTo("SENT");
            assertThat(taskStatus(clinic, "ENCOUNTER", p + "-E2")).isEqualTo("SENT");
            assertThat(taskStatus(clinic, "DOSE", p + "-D1")).isEqualTo("SENT");
        });
        JsonNode after = JSON.readTree(httpGet("/api/v1/clinics/" + clinic + "/sync").body());
        after.path("alarms").forEach(a -> assertThat(a.path("taskId").asLong()).isNotEqualTo(deadTask));
        assertThat(FakeEhr.held(ehr, false).get("urn:ketabridge:" + clinic + "/series|" + series))
                .as("the series written once after the repair").isEqualTo(1);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder multipleMatches(String diagnostics) {
        return aResponse().withStatus(412).withHeader("Content-Type", "application/fhir+json")
                .withBody("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                        + "\"code\":\"processing\",\"diagnostics\":\"" + diagnostics + "\"}]}");
    }

    private void send(String clinic, String kind, String body) {
        assertThat(httpPost("/api/v1/clinics/" + clinic + "/" + kind, "application/x-ndjson", body).statusCode())
                .isEqualTo(202);
    }
}
