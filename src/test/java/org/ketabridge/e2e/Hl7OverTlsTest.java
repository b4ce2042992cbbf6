package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.BridgeClient;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.Hl7Receiver;
import org.ketabridge.support.TestKeys;
import org.ketabridge.support.TestRecords;

/**
 * An HL7 v2 EHR whose MLLP listener speaks TLS only ({@code ehr.tls: true}, issue 14), with a
 * certificate of its own that the bridge process trusts through the JVM's trust store, given as
 * an operator gives it ({@code -Djavax.net.ssl.trustStore=...}): the connection check shakes hands
 * and says over what, and a patient whose family name is not ASCII arrives over TLS, intact (UTF-8,
 * MSH-18 {@code UNICODE UTF-8}).
 */
class Hl7OverTlsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLINIC = "hl7tls";
    private static final String FAMILY = "Ñúñez-Nguyễn 山田";

    private Process bridge;
    private Hl7Receiver ehr;

    @TempDir
    Path work;

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) {
            bridge.destroyForcibly();
        }
        if (ehr != null) {
            ehr.close();
        }
    }

    @Test
    void aMessageArrivesOverTlsWithItsNamesIntactAndTheCheckShakesHands() throws Exception {
        TestKeys.TlsFiles tls = TestKeys.tlsServer(work, "ehr");
        ehr = new Hl7Receiver(Duration.ofSeconds(1), tls.serverContext());
        int port = BridgeProcess.freePort();
        BridgeClient client = new BridgeClient(port);
        Path clinics = work.resolve("clinics.yaml");
        Files.writeString(clinics, """
                bridge:
                  sync:
                    poll-interval: 100ms
                  clinics:
                    - id: %s
                      time-zone: UTC
                      hl7-facility: KB-TLS
                      ehr:
                        type: hl7v2
                        host: localhost
                        port: %d
                        tls: true
                        connect-timeout: 5s
                        request-timeout: 30s
                """.formatted(CLINIC, ehr.port()));
        bridge = BridgeProcess.start(work, port, clinics, tls.trustedByJvmOptions(), "--bridge.auditor-store.enabled=false");
        client.awaitUp(Duration.ofSeconds(240));

        HttpResponse<String> checked = client.post("/api/v1/clinics/" + CLINIC + "/ehr/check");
        assertThat(checked.statusCode()).as(checked.body()).isEqualTo(200);
        JsonNode check = JSON.readTree(checked.body());
        assertThat(check.path("ok").asBoolean()).as(check.toPrettyString()).isTrue();
        assertThat(check.path("steps").findValuesAsText("step")).containsExactly("reach", "tls");
        JsonNode handshake = check.path("steps").get(1);
        assertThat(handshake.path("protocol").asText()).startsWith("TLSv1.");
        assertThat(handshake.path("certificateSubject").asText()).isEqualTo("CN=localhost");
        assertThat(ehr.stored()).as("the check sends nothing").isEmpty();

        String mrn = TestRecords.prefix() + "-M1";
        HttpResponse<String> accepted = client.postPatients(CLINIC, patient(mrn, FAMILY) + "\n");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        // Syncing waits for the validator, which loads after start-up: a generous bound (see CrashRecoveryTest).
        await().atMost(Duration.ofSeconds(180)).until(() -> ehr.storedFor(mrn).size() == 1);
        String message = ehr.message(ehr.storedFor(mrn).get(0));
        assertThat(message).contains("ADT^A04").contains("|UNICODE UTF-8").contains("|" + FAMILY + "^Alex");
        String receipt = JSON.readTree(accepted.body()).get("receiptId").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(client.get("/api/v1/clinics/" + CLINIC
                + "/receipts/" + receipt).body()).get("records").findValuesAsText("stage").equals(java.util.List.of("sent")));
    }
}
