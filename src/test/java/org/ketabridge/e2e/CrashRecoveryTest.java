package org.ketabridge.e2e;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.BridgeClient;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.FakeEhr.Write;

/**
 * The bridge process is killed (SIGKILL: no shutdown hook, no flush) while accepted records are
 * on their way to a slow EHR, then started again on the same database: every accepted record
 * reaches the EHR, and no record is held twice (every write conditional on its identifier).
 */
class CrashRecoveryTest {

    private static final int RECORDS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final WireMockServer ehr = new WireMockServer(wireMockConfig().dynamicPort()
            .extensions(new org.ketabridge.support.TransactionResponder()));
    private Process bridge;

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.destroyForcibly();
        }
        ehr.stop();
    }

    @Test
    void acceptedRecordsSurviveAKilledProcessAndArriveExactlyOnce() throws Exception {
        ehr.start();
        // A slow EHR: each write takes 150 ms, so most records are still queued when the kill comes.
        ehr.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/fhir/.*"))
                .willReturn(FakeEhr.stored().withFixedDelay(150)));
        int port = BridgeProcess.freePort();
        BridgeClient bridgeClient = new BridgeClient(port);
        Path clinics = work.resolve("clinics.yaml");
        Files.writeString(clinics, """
                bridge:
                  sync:
                    poll-interval: 100ms
                    initial-backoff: 100ms
                  clinics:
                    - id: crash
                      time-zone: UTC
                      ehr:
                        type: fhir
                        base-url: %s/fhir
                        write-mode: per-resource
                """.formatted(ehr.baseUrl()));

        bridge = startBridge(port, clinics);
        bridgeClient.awaitUp(Duration.ofSeconds(240));
        List<String> receipts = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < RECORDS / 4; i++) {
                body.append(patient("C-" + batch + "-" + i)).append('\n');
            }
            HttpResponse<String> response = bridgeClient.postPatients("crash", body.toString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            receipts.add(JSON.readTree(response.body()).get("receiptId").asText());
        }
        // Let some writes reach the EHR, then kill the process mid-flight. Syncing waits for the
        // validator's definitions, which load after start-up: on a busy 2-core machine that took
        // more than 20 s (CI run of 2026-12-02), so the bound is generous; only the outcome counts.
        await().atMost(Duration.ofSeconds(180)).until(() -> stored().size() >= 3);
        bridge.destroyForcibly().waitFor();
        int storedAtKill = stored().size();
        assertThat(storedAtKill).as("records were still on their way when the process died").isLessThan(RECORDS);

        ehr.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/fhir/.*")).willReturn(FakeEhr.stored()));
        bridge = startBridge(port, clinics);
        bridgeClient.awaitUp(Duration.ofSeconds(240));
        await().atMost(Duration.ofSeconds(300)).until(() -> stored().size() == RECORDS);
        for (String receipt : receipts) {
            JsonNode status = JSON.readTree(bridgeClient.get("/api/v1/clinics/crash/receipts/" + receipt).body());
            assertThat(status.get("records")).hasSize(RECORDS / 4)
                    .allSatisfy(r -> assertThat(r.get("stage").asText()).isEqualTo("sent"));
        }
        List<Write> writes = FakeEhr.writes(ehr);
        assertThat(writes).allSatisfy(w -> assertThat(w.identifier()).as("conditional write").isNotNull());
        Map<String, Long> perRecord = writes.stream().collect(Collectors.groupingBy(Write::identifier, Collectors.counting()));
        assertThat(perRecord.keySet().stream().filter(k -> k.contains("/mrn|"))).hasSize(RECORDS);
        // H2 writes every error it sees, with its stack trace, to a trace file beside the database.
        // A run without faults leaves none (it once grew by 80 MB per 14,000 records: ORM lookups by the wrong column name).
        assertThat(work.resolve("bridge.trace.db")).doesNotExist();
    }

    private Set<String> stored() {
        return FakeEhr.writes(ehr).stream().filter(Write::stored).map(Write::identifier)
                .filter(id -> id.contains("/mrn|")).collect(Collectors.toSet());
    }

    private Process startBridge(int port, Path clinics) throws Exception {
        // The auditors' store is not what this test is about: its minute-long start would only slow it.
        return BridgeProcess.start(work, port, clinics, "--bridge.auditor-store.enabled=false");
    }
}
