package org.ketabridge.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.FakeEhr;

/**
 * A dead letter is an older version of a record; a newer version of the same record went out
 * (or is on its way) meanwhile. Replaying the older one must never make the EHR go back in time:
 * a replay by id is refused with a precise answer (409), a replay of all dead letters skips it
 * and says so, and the EHR never receives the older content after the newer.
 */
class DeadLetterReplayTest extends BridgeTestSupport {

    private static final Duration SYNCED = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Synthetic family names that tell the two versions apart in what the EHR receives. */
    private static final String OLDER = "Olderversion";
    private static final String NEWER = "Newerversion";

    /** These tests count what the EHR received: a write timed out while the store starts would be one more. */
    @BeforeEach
    void storeStarted() {
        awaitAuditorsStore();
    }

    @Test
    void aDeadOlderVersionIsNotReplayedOverANewerVersionInTheEhr() throws Exception {
        String mrn = prefix() + "-M";
        refuseTheOlderVersion();
        long older = acceptedAndDead(mrn);
        // The newer version goes out.
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", patient(mrn, NEWER)).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> "SENT".equals(taskStatus("alpha", "PATIENT", mrn)));
        long newer = latestTask(mrn);
        // From now on the EHR would take anything, the older version too.
        FakeEhr.reset(ALPHA_EHR);

        JsonNode deadLetter = deadLetterOf(older);
        assertThat(deadLetter.path("supersededBy").asLong()).as("the dead-letter list says what superseded it").isEqualTo(newer);

        HttpResponse<String> one = httpPost("/api/v1/clinics/alpha/dead-letters/" + older + "/replay", "application/json", "");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(409);
        assertThat(JSON.readTree(one.body()).path("detail").asText())
                .contains("Dead letter " + older).contains("superseded").contains("version 2")
                .contains("already in the EHR").contains("task " + newer);

        HttpResponse<String> all = httpPost("/api/v1/clinics/alpha/dead-letters/replay", "application/json", "");
        assertThat(all.statusCode()).isEqualTo(202);
        JsonNode skipped = skippedTask(JSON.readTree(all.body()), older);
        assertThat(skipped).as("replay-all names the superseded dead letter it skipped: " + all.body()).isNotNull();
        assertThat(skipped.path("supersededBy").path("taskId").asLong()).isEqualTo(newer);
        assertThat(skipped.path("supersededBy").path("status").asText()).isEqualTo("sent");

        assertThat(statusOf(older)).as("the older version stays a dead letter").isEqualTo("DEAD");
        // A later record of the clinic goes out: the queue has moved on, and the older content never came.
        String later = prefix() + "-M";
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", patient(later)).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> "SENT".equals(taskStatus("alpha", "PATIENT", later)));
        assertThat(bodiesReceived()).as("the EHR never received the older version after the newer")
                .noneMatch(b -> b.contains(OLDER));
    }

    @Test
    void aDeadOlderVersionIsNotReplayedWhileANewerVersionIsOnItsWay() throws Exception {
        String mrn = prefix() + "-M";
        refuseTheOlderVersion();
        long older = acceptedAndDead(mrn);
        // The EHR is down for the newer version: it stays queued (retried), on its way.
        ALPHA_EHR.stubFor(put(urlPathEqualTo("/fhir/Patient")).atPriority(1).withRequestBody(containing(NEWER))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "5")));
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", patient(mrn, NEWER)).statusCode()).isEqualTo(202);
        long newer = await().atMost(SYNCED).until(() -> latestTask(mrn), id -> id != older);
        await().atMost(SYNCED).until(() -> FakeEhr.writes(ALPHA_EHR).stream().anyMatch(w -> w.status() == 503));
        assertThat(statusOf(newer)).isEqualTo("PENDING");

        HttpResponse<String> one = httpPost("/api/v1/clinics/alpha/dead-letters/" + older + "/replay", "application/json", "");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(409);
        assertThat(JSON.readTree(one.body()).path("detail").asText()).contains("on its way to the EHR").contains("task " + newer);

        // The EHR is back; the newer version arrives, and a replay of everything still skips the older one.
        FakeEhr.reset(ALPHA_EHR);
        await().atMost(SYNCED).until(() -> "SENT".equals(statusOf(newer)));
        HttpResponse<String> all = httpPost("/api/v1/clinics/alpha/dead-letters/replay", "application/json", "");
        assertThat(skippedTask(JSON.readTree(all.body()), older)).as(all.body()).isNotNull();
        assertThat(statusOf(older)).isEqualTo("DEAD");
        assertThat(bodiesReceived()).as("the EHR received the newer version, never the older after it")
                .anyMatch(b -> b.contains(NEWER)).noneMatch(b -> b.contains(OLDER));
    }

    @Test
    void twoDeadVersionsOfOneRecordAreBothReplayedOldestFirst() throws Exception {
        String mrn = prefix() + "-M";
        ALPHA_EHR.stubFor(put(urlPathEqualTo("/fhir/Patient")).atPriority(1).withRequestBody(containing(mrn))
                .willReturn(aResponse().withStatus(422)));
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", patient(mrn, OLDER)).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> "DEAD".equals(taskStatus("alpha", "PATIENT", mrn)));
        long older = latestTask(mrn);
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", patient(mrn, NEWER)).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> latestTask(mrn) != older && "DEAD".equals(taskStatus("alpha", "PATIENT", mrn)));
        FakeEhr.reset(ALPHA_EHR);

        // A dead newer version supersedes nothing (it never reached the EHR): both go, in order.
        HttpResponse<String> all = httpPost("/api/v1/clinics/alpha/dead-letters/replay", "application/json", "");
        assertThat(skippedTask(JSON.readTree(all.body()), older)).as(all.body()).isNull();
        await().atMost(SYNCED).until(() -> "SENT".equals(statusOf(older)) && "SENT".equals(taskStatus("alpha", "PATIENT", mrn)));
        List<String> bodies = bodiesReceived().stream().filter(b -> b.contains(mrn)).toList();
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(0)).contains(OLDER);
        assertThat(bodies.get(1)).as("the newer version last").contains(NEWER);
    }

    private void refuseTheOlderVersion() {
        ALPHA_EHR.stubFor(put(urlPathEqualTo("/fhir/Patient")).atPriority(1).withRequestBody(containing(OLDER))
                .willReturn(aResponse().withStatus(422)));
    }

    /** Sends the older version, which the EHR refuses; returns its (dead) task. */
    private long acceptedAndDead(String mrn) {
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", patient(mrn, OLDER)).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> "DEAD".equals(taskStatus("alpha", "PATIENT", mrn)));
        return latestTask(mrn);
    }

    private long latestTask(String mrn) {
        return jdbc.sql("select max(id) from sync_task where clinic_id = 'alpha' and kind = 'PATIENT' and record_id = ?")
                .param(mrn).query(Long.class).single();
    }

    private String statusOf(long taskId) {
        return jdbc.sql("select status from sync_task where id = ?").param(taskId).query(String.class).single();
    }

    private JsonNode deadLetterOf(long taskId) throws Exception {
        for (JsonNode d : JSON.readTree(httpGet("/api/v1/clinics/alpha/dead-letters").body()).path("deadLetters")) {
            if (d.path("id").asLong() == taskId) {
                return d;
            }
        }
        throw new AssertionError("no dead letter " + taskId);
    }

    private static JsonNode skippedTask(JsonNode replayAll, long taskId) {
        for (JsonNode s : replayAll.path("skippedAsSuperseded")) {
            if (s.path("taskId").asLong() == taskId) {
                return s;
            }
        }
        return null;
    }

    /** The bodies of the Patient writes the EHR received since it was last reset, oldest first. */
    private static List<String> bodiesReceived() {
        List<String> bodies = new java.util.ArrayList<>(ALPHA_EHR.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/fhir/Patient"))
                .map(e -> e.getRequest().getBodyAsString()).toList());
        java.util.Collections.reverse(bodies);
        return bodies;
    }
}
