package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.Hl7BridgeProcess;
import org.ketabridge.support.Hl7Receiver;
import org.ketabridge.support.TestKeys;
import org.ketabridge.support.TestRecords;

/**
 * An HL7 v2 EHR whose MLLP listener speaks TLS only ({@code ehr.tls: true}, issue 14), with a
 * certificate of its own that the bridge process trusts through the JVM's trust store, given as
 * an operator gives it ({@code -Djavax.net.ssl.trustStore=...}): the connection check shakes hands
 * and says over what, and a patient whose family name is not ASCII arrives over TLS, intact (UTF-8,
 * MSH-18 {@code UNICODE UTF-8}), and nowhere in the bridge's log.
 */
class Hl7OverTlsTest {

    private static final String FAMILY = "Ñúñez-Nguyễn 山田";

    @TempDir
    Path work;

    @Test
    void aMessageArrivesOverTlsWithItsNamesIntactAndTheCheckShakesHands() throws Exception {
        TestKeys.TlsFiles tls = TestKeys.tlsServer(work, "ehr");
        try (Hl7Receiver ehr = new Hl7Receiver(Duration.ofSeconds(1), tls.serverContext());
             Hl7BridgeProcess bridge = new Hl7BridgeProcess(work, "hl7tls", ehr.port(), true, Duration.ofSeconds(30),
                     tls.trustedByJvmOptions())) {
            bridge.start();

            JsonNode check = bridge.check();
            assertThat(check.path("ok").asBoolean()).as(check.toPrettyString()).isTrue();
            assertThat(check.path("steps").findValuesAsText("step")).containsExactly("reach", "tls");
            JsonNode handshake = check.path("steps").get(1);
            assertThat(handshake.path("protocol").asText()).startsWith("TLSv1.");
            assertThat(handshake.path("certificateSubject").asText()).isEqualTo("CN=ketabridge test ehr-tls");
            assertThat(ehr.stored()).as("the check sends nothing").isEmpty();

            String mrn = TestRecords.prefix() + "-M1";
            String receipt = bridge.postPatients(patient(mrn, FAMILY) + "\n");

            // Syncing waits for the validator, which loads after start-up: a generous bound (see CrashRecoveryTest).
            await().atMost(Duration.ofSeconds(180)).until(() -> ehr.storedFor(mrn).size() == 1);
            assertThat(ehr.message(ehr.storedFor(mrn).get(0))).contains("ADT^A04").contains("|UNICODE UTF-8")
                    .contains("|" + FAMILY + "^Alex");
            await().atMost(Duration.ofSeconds(60)).until(() -> bridge.stages(receipt).equals(List.of("sent")));
            // Neither the bridge nor Camel's MLLP component logged the message (logPhi off).
            try (Stream<Path> logs = Files.list(work).filter(f -> f.getFileName().toString().startsWith("bridge-"))) {
                assertThat(logs.toList()).isNotEmpty().allSatisfy(log -> assertThat(Files.readString(log))
                        .contains("hl7tls").doesNotContain(FAMILY).doesNotContain(mrn));
            }
        }
    }
}
