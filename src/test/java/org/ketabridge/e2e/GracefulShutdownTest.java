package org.ketabridge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.BridgeClient;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.FakeEhr.Write;

/**
 * The bridge is stopped as an operator stops it (SIGTERM) while it is writing to a slow EHR:
 * it stops taking work, lets the writes in flight finish, and only then closes its database.
 * Its log has no error (before the fix: the sync timers kept polling a closed database,
 * "Database is already closed", one ERROR per poll), every write the EHR confirmed is
 * recorded as sent, and after a restart every accepted record arrives (nothing lost).
 */
class GracefulShutdownTest {

    private static final int RECORDS = 30;
    private final WireMockServer ehr = new WireMockServer(wireMockConfig().dynamicPort()
            .extensions(new org.ketabridge.support.TransactionResponder()));
    private Process bridge;

    /** Kept when the test fails: the bridge's own log is in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.destroyForcibly();
        }
        ehr.stop();
    }

    @Test
    void aStoppedBridgeFinishesItsWritesAndLogsNoError() throws Exception {
        ehr.start();
        // A slow EHR: each write takes 300 ms, so writes are in flight when the stop comes.
        ehr.stubFor(put(urlPathMatching("/fhir/.*")).willReturn(FakeEhr.stored().withFixedDelay(300)));
        int port = BridgeProcess.freePort();
        BridgeClient bridgeClient = new BridgeClient(port);
        Path clinics = work.resolve("clinics.yaml");
        Files.writeString(clinics, """
                bridge:
                  sync:
                    poll-interval: 100ms
                    initial-backoff: 100ms
                  clinics:
                    - id: stopping
                      time-zone: UTC
                      ehr:
                        type: fhir
                        base-url: %s/fhir
                        write-mode: per-resource
                        max-in-flight: 2
                    - id: later
                      time-zone: UTC
                      ehr:
                        type: fhir
                        base-url: %s/fhir
                        write-mode: per-resource
                """.formatted(ehr.baseUrl(), ehr.baseUrl()));

        bridge = BridgeProcess.start(work, port, clinics, "--bridge.auditor-store.enabled=false");
        bridgeClient.awaitUp(Duration.ofSeconds(240));
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            body.append(patient("G-" + i)).append('\n');
        }
        HttpResponse<String> accepted = bridgeClient.postPatients("stopping", body.toString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        // The validator loads its definitions once the bridge is up: the first writes may take a while.
        await().atMost(Duration.ofSeconds(180)).until(() -> stored().size() >= 3);

        // SIGTERM, as systemd or docker stop sends it.
        bridge.destroy();
        assertThat(bridge.waitFor(3, TimeUnit.MINUTES)).as("the bridge stopped").isTrue();
        Set<String> storedAtStop = stored();
        assertThat(storedAtStop).as("records were still on their way when the bridge stopped").hasSizeLessThan(RECORDS);

        List<String> log = logLines();
        assertThat(log).as("the bridge's log at shutdown").noneMatch(l -> l.contains("Database is already closed"));
        assertThat(log).as("no ERROR line in the bridge's log").noneMatch(l -> l.contains(" ERROR "));
        // A write the EHR confirmed before the stop was finished by the bridge: its task is SENT.
        assertThat(sentMrns()).as("every write the EHR confirmed is recorded as sent")
                .containsExactlyInAnyOrderElementsOf(storedAtStop.stream().map(id -> id.substring(id.indexOf('|') + 1)).toList());

        bridge = BridgeProcess.start(work, port, clinics, "--bridge.auditor-store.enabled=false");
        bridgeClient.awaitUp(Duration.ofSeconds(240));
        // Generous: the validator loads its definitions again first (minutes on a loaded machine).
        await().atMost(Duration.ofSeconds(300)).until(() -> stored().size() == RECORDS);
        assertThat(FakeEhr.writes(ehr)).allSatisfy(w -> assertThat(w.identifier()).as("conditional write").isNotNull());
    }

    private Set<String> stored() {
        return FakeEhr.writes(ehr).stream().filter(Write::stored).map(Write::identifier)
                .filter(id -> id.contains("/mrn|")).collect(Collectors.toSet());
    }

    /** Read from the stopped bridge's own database file. */
    private List<String> sentMrns() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("bridge"), "sa", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select record_id from sync_task where clinic_id = 'stopping' and status = 'SENT'")) {
            List<String> ids = new java.util.ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        }
    }

    private List<String> logLines() throws Exception {
        try (Stream<Path> files = Files.list(work)) {
            Path log = files.filter(p -> p.getFileName().toString().startsWith("bridge-")).findFirst().orElseThrow();
            return Files.readAllLines(log);
        }
    }
}
