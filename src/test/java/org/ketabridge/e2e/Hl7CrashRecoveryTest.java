package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.Hl7BridgeProcess;
import org.ketabridge.support.Hl7Receiver;
import org.ketabridge.support.Hl7Receiver.Answer;
import org.ketabridge.support.TestRecords;

/**
 * A clinic whose EHR takes HL7 v2 (issue 14): the bridge process is killed (SIGKILL) between
 * sending a message and receiving its ACK, the EHR having stored the message already. Started
 * again on the same database, the bridge sends that message again under the same control id
 * (MSH-10), which the EHR, deduping on it, acknowledges without storing it twice; then the rest.
 * Nothing is lost, and the EHR stored each record version exactly once.
 */
class Hl7CrashRecoveryTest {

    private static final int PATIENTS = 4;

    @TempDir
    Path work;

    @Test
    void aMessageWhoseAckWasLostInACrashIsSentAgainUnderItsControlIdAndStoredOnce() throws Exception {
        try (Hl7Receiver ehr = new Hl7Receiver(Duration.ofSeconds(1));
             // The ACK is waited for far longer than the test needs to kill the process.
             Hl7BridgeProcess bridge = new Hl7BridgeProcess(work, "hl7crash", ehr.port(), false, Duration.ofSeconds(120),
                     List.of())) {
            // The EHR stores every message and holds its ACK until the test lets it answer.
            ehr.script((message, arrival) -> Answer.HOLD);
            bridge.start();
            String p = TestRecords.prefix();
            StringBuilder patients = new StringBuilder();
            for (int i = 1; i <= PATIENTS; i++) {
                patients.append(patient(p + "-M" + i)).append('\n');
            }
            String first = bridge.postPatients(patients.toString());
            // A later version of the first patient: an ADT^A08 that must follow its A04.
            String renamed = bridge.postPatients(patient(p + "-M1", "Renamed") + "\n");

            // Syncing waits for the validator, which loads after start-up: a generous bound (see CrashRecoveryTest).
            await().atMost(Duration.ofSeconds(180)).until(() -> ehr.arrivals() == 1);
            String inFlight = ehr.stored().keySet().iterator().next();
            bridge.kill();
            assertThat(ehr.stored()).as("the EHR stored the message whose ACK the killed bridge waited for").hasSize(1);

            // The restart outlasts the dead claim's 2 s lease (a JVM and a Spring context start), so the
            // oldest task, the one in flight, is free again and due first when the new process polls.
            bridge.start();
            await().atMost(Duration.ofSeconds(180)).until(() -> ehr.arrivals(inFlight) == 2);
            assertThat(ehr.arrivals()).as("nothing else was sent before that message's ACK").isEqualTo(2);
            ehr.script((message, arrival) -> Answer.AA);
            ehr.release();

            await().atMost(Duration.ofSeconds(120)).until(() -> ehr.stored().size() == PATIENTS + 1);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(bridge.stages(first)).hasSize(PATIENTS).containsOnly("sent");
                assertThat(bridge.stages(renamed)).containsExactly("sent");
            });
            // Each record version stored once, under its own control id; the one resend reused its id.
            Map<String, Integer> stored = ehr.stored();
            assertThat(stored).hasSize(PATIENTS + 1);
            assertThat(stored.values()).containsOnly(1);
            assertThat(ehr.arrivals(inFlight)).isEqualTo(2);
            assertThat(ehr.arrivals()).isEqualTo(PATIENTS + 2);
            for (int i = 2; i <= PATIENTS; i++) {
                assertThat(ehr.storedFor(p + "-M" + i)).hasSize(1);
            }
            List<String> m1 = ehr.storedFor(p + "-M1");
            assertThat(m1).hasSize(2);
            assertThat(ehr.message(m1.get(0))).contains("ADT^A04");
            assertThat(ehr.message(m1.get(1))).contains("ADT^A08").contains("|Renamed^");
            assertThat(work.resolve("bridge.trace.db")).doesNotExist();
        }
    }
}
