package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.BridgeClient;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.Hl7Messages;
import org.ketabridge.support.MllpClient;

/**
 * The bridge process is killed (SIGKILL) while a client sends HL7 messages; after a restart the
 * client sends again every message it got no ACK for. Every record is then stored exactly once:
 * one version each, none lost (an AA is only ever sent after the commit).
 */
class Hl7CrashTest {

    private static final int MESSAGES = 150;
    private static final ObjectMapper JSON = new ObjectMapper();
    private Process bridge;

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.destroyForcibly();
        }
    }

    @Test
    void everyMessageIsStoredExactlyOnceThroughAKill() throws Exception {
        int port = BridgeProcess.freePort();
        int mllpPort = BridgeProcess.freePort();
        BridgeClient api = new BridgeClient(port);
        Path clinics = work.resolve("clinics.yaml");
        Files.writeString(clinics, """
                bridge:
                  hl7:
                    enabled: true
                    port: %d
                  clinics:
                    - id: crash
                      time-zone: UTC
                      hl7-facility: CRASH
                      ehr:
                        type: none
                """.formatted(mllpPort));
        bridge = startBridge(port, clinics);
        api.awaitUp(Duration.ofSeconds(240));

        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        Thread sender = new Thread(() -> {
            try (MllpClient client = new MllpClient(mllpPort)) {
                for (int i = 0; i < MESSAGES; i++) {
                    if (MllpClient.code(client.send(message(i))).equals("AA")) {
                        acked.add(i);
                    }
                }
            } catch (IOException e) {
                // the process died under the client: what got no ACK is sent again below
            }
        });
        sender.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> acked.size() >= 20);
        bridge.destroyForcibly().waitFor();
        sender.join();
        assertThat(acked).as("messages were still being sent when the process died").hasSizeLessThan(MESSAGES);

        bridge = startBridge(port, clinics);
        api.awaitUp(Duration.ofSeconds(240));
        try (MllpClient client = new MllpClient(mllpPort)) {
            for (int i = 0; i < MESSAGES; i++) {
                if (!acked.contains(i)) {
                    assertThat(MllpClient.code(client.send(message(i)))).isEqualTo("AA");
                }
            }
            // Every record is there, with one version: each sent again now is unchanged, version 1.
            for (int i = 0; i < MESSAGES; i++) {
                String ack = client.send(message(i));
                assertThat(MllpClient.segment(ack, "MSA")).contains("1 accepted (1 unchanged)");
                JsonNode receipt = JSON.readTree(api.get("/api/v1/clinics/crash/receipts/" + MllpClient.receiptId(ack)).body());
                assertThat(receipt.at("/records/0/version").asInt()).as("dose %d", i).isEqualTo(1);
            }
        }
    }

    private static String message(int i) {
        return Hl7Messages.ras("CRASH", "K-" + i, "M-" + (i % 10), "E-" + (i % 10), "D-" + i);
    }

    private Process startBridge(int port, Path clinics) throws Exception {
        return BridgeProcess.start(work, port, clinics, "--bridge.auditor-store.enabled=false");
    }
}
