package org.ketabridge.channel.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketabridge.support.MllpClient.code;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.Hl7Messages;
import org.ketabridge.support.MllpClient;
import org.ketabridge.support.TestKeys;
import org.ketabridge.support.TestRecords;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The HL7 listener with bridge.hl7.tls.key-store set (a key store made for the test, its
 * password in a file): a client that trusts the bridge's certificate sends over TLS and gets its
 * AA; a client speaking plain MLLP to the TLS port is dropped and nothing of its message is stored.
 */
class Hl7ListenerOverTlsTest extends BridgeTestSupport {

    private static final String PASSWORD = "listener-pass-4Kd";
    private static final Path KEYS = keys();
    private static final Path KEY_STORE = TestKeys.tlsKeyStore(KEYS, "hl7-listener", PASSWORD);
    private static final int PORT = BridgeProcess.freePort();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path keys() {
        try {
            return Files.createTempDirectory("hl7-tls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void hl7(DynamicPropertyRegistry registry) throws IOException {
        Path password = Files.writeString(KEYS.resolve("password"), PASSWORD);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:hl7-tls-test;DB_CLOSE_DELAY=-1");
        registry.add("bridge.hl7.enabled", () -> "true");
        registry.add("bridge.hl7.port", () -> PORT);
        registry.add("bridge.hl7.read-timeout-millis", () -> 1000);
        registry.add("bridge.hl7.tls.key-store", KEY_STORE::toString);
        registry.add("bridge.hl7.tls.key-store-password-file", password::toString);
    }

    @Test
    void aClientTrustingTheBridgeSendsOverTlsAndGetsItsAa() throws Exception {
        String p = TestRecords.prefix();
        try (MllpClient client = MllpClient.tls(PORT, TestKeys.tlsClient(KEY_STORE, null, PASSWORD))) {
            String ack = client.send(Hl7Messages.adt("GAMMA", "A04", p, p + "M"));
            assertThat(code(ack)).isEqualTo("AA");
            String receipt = httpGet("/api/v1/clinics/gamma/receipts/" + MllpClient.receiptId(ack)).body();
            assertThat(JSON.readTree(receipt).get("channel").asText()).isEqualTo("hl7");
        }
        assertThat(versionsOf(p + "M")).isEqualTo(1);
    }

    @Test
    void plainMllpToTheTlsPortIsDroppedAndNothingIsStored() throws Exception {
        String p = TestRecords.prefix();
        try (MllpClient plain = new MllpClient(PORT)) {
            plain.sendRaw(MllpClient.frame(Hl7Messages.adt("GAMMA", "A04", p, p + "M")));
            // The bridge reads the frame as a TLS handshake, fails it (a TLS alert) and closes: nothing was taken from it.
            assertThat(plain.closedWithoutAnswer(60_000)).isTrue();
        }
        assertThat(versionsOf(p + "M")).isZero();
        // The listener is still there for a client that speaks TLS.
        try (MllpClient client = MllpClient.tls(PORT, TestKeys.tlsClient(KEY_STORE, null, PASSWORD))) {
            assertThat(code(client.send(Hl7Messages.adt("GAMMA", "A04", p + "T", p + "T")))).isEqualTo("AA");
        }
    }

    private int versionsOf(String recordId) {
        return jdbc.sql("select count(*) from record_version where clinic_id = 'gamma' and record_id = ?")
                .param(recordId).query(Integer.class).single();
    }
}
