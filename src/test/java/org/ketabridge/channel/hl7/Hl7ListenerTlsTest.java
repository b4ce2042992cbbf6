package org.ketabridge.channel.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.InvalidClinicConfigurationException;
import org.ketabridge.config.Secrets;
import org.ketabridge.support.TestKeys;

/**
 * bridge.hl7.tls without Spring: every mistake stops start-up naming its property (never the
 * password), and client-auth require lets in only a client whose certificate the trust store
 * holds (on real sockets, with the SSLContext the listener gets). The listener itself over TLS:
 * Hl7ListenerOverTlsTest.
 */
class Hl7ListenerTlsTest {

    private static final String PASSWORD = "store-pass-7Qx";
    private static final ExecutorService SERVER = Executors.newCachedThreadPool();

    @TempDir
    static Path dir;
    static Path bridgeKeys;
    static Path clinicKeys;
    static Path strangerKeys;

    @BeforeAll
    static void keys() {
        bridgeKeys = TestKeys.tlsKeyStore(dir, "bridge", PASSWORD);
        clinicKeys = TestKeys.tlsKeyStore(dir, "clinic-engine", PASSWORD);
        strangerKeys = TestKeys.tlsKeyStore(dir, "stranger", PASSWORD);
    }

    @AfterAll
    static void stop() {
        SERVER.shutdownNow();
    }

    private static BridgeProperties.Hl7.Tls tls() {
        BridgeProperties.Hl7.Tls tls = new BridgeProperties.Hl7.Tls();
        tls.setKeyStore(bridgeKeys.toString());
        tls.setKeyStorePasswordEnv("HL7_KEY_STORE_PASSWORD");
        return tls;
    }

    private static Hl7ListenerTls listenerTls(Map<String, String> environment) {
        return new Hl7ListenerTls(new Secrets(environment::get));
    }

    @Test
    void aMissingOrWrongSecretStopsStartUpNamingThePropertyNeverThePassword() throws IOException {
        assertThatThrownBy(() -> listenerTls(Map.of()).parameters(tls()))
                .isInstanceOf(InvalidClinicConfigurationException.class)
                .hasMessageContaining("Invalid HL7 listener configuration")
                .hasMessageContaining("bridge.hl7.tls.key-store-password-env: environment variable 'HL7_KEY_STORE_PASSWORD' is not set");

        assertThatThrownBy(() -> listenerTls(Map.of("HL7_KEY_STORE_PASSWORD", "not-the-Pass-9")).parameters(tls()))
                .hasMessageContaining("bridge.hl7.tls.key-store: '" + bridgeKeys + "' cannot be opened with the password given")
                .hasMessageNotContaining("not-the-Pass-9");

        BridgeProperties.Hl7.Tls fromFile = tls();
        fromFile.setKeyStorePasswordEnv(null);
        fromFile.setKeyStorePasswordFile(dir.resolve("no-such-file").toString());
        assertThatThrownBy(() -> listenerTls(Map.of()).parameters(fromFile))
                .hasMessageContaining("bridge.hl7.tls.key-store-password-file: cannot read secret file");

        // A trust store only checks client certificates: named without client-auth, it would protect nothing.
        BridgeProperties.Hl7.Tls trustOnly = tls();
        trustOnly.setTrustStore(TestKeys.trustStore(dir, "trust-only", PASSWORD, clinicKeys).toString());
        trustOnly.setClientAuth("maybe");
        assertThatThrownBy(() -> listenerTls(Map.of("HL7_KEY_STORE_PASSWORD", PASSWORD)).parameters(trustOnly))
                .hasMessageContaining("bridge.hl7.tls.client-auth: unknown value 'maybe'; expected none, want or require")
                .hasMessageContaining("bridge.hl7.tls.trust-store: only used to check client certificates");

        // A store that holds certificates only (no key of the bridge's own).
        BridgeProperties.Hl7.Tls noKey = tls();
        noKey.setKeyStore(TestKeys.trustStore(dir, "certificates-only", PASSWORD, clinicKeys).toString());
        assertThatThrownBy(() -> listenerTls(Map.of("HL7_KEY_STORE_PASSWORD", PASSWORD)).parameters(noKey))
                .hasMessageContaining("bridge.hl7.tls.key-store: holds no private key");

        Path passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        BridgeProperties.Hl7.Tls good = tls();
        good.setKeyStorePasswordEnv(null);
        good.setKeyStorePasswordFile(passwordFile.toString());
        assertThat(listenerTls(Map.of()).parameters(good).getKeyManagers()).isNotNull();
    }

    @Test
    void clientAuthRequireLetsInOnlyAClientTheTrustStoreHolds() throws Exception {
        BridgeProperties.Hl7.Tls tls = tls();
        tls.setClientAuth("require");
        tls.setTrustStore(TestKeys.trustStore(dir, "clinic-engines", PASSWORD, clinicKeys).toString());
        tls.setTrustStorePasswordEnv("HL7_KEY_STORE_PASSWORD");
        SSLContextParameters parameters = listenerTls(Map.of("HL7_KEY_STORE_PASSWORD", PASSWORD)).parameters(tls);

        try (DefaultCamelContext camel = new DefaultCamelContext();
             ServerSocket server = parameters.createSSLContext(camel).getServerSocketFactory().createServerSocket(0)) {
            assertThat(echo(server, TestKeys.tlsClient(bridgeKeys, clinicKeys, PASSWORD))).isEqualTo('k');
            assertThatThrownBy(() -> echo(server, TestKeys.tlsClient(bridgeKeys, null, PASSWORD))).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> echo(server, TestKeys.tlsClient(bridgeKeys, strangerKeys, PASSWORD))).isInstanceOf(IOException.class);
        }
    }

    @Test
    void withoutClientAuthAnyClientTrustingTheBridgeIsLetIn() throws Exception {
        SSLContextParameters parameters = listenerTls(Map.of("HL7_KEY_STORE_PASSWORD", PASSWORD)).parameters(tls());
        try (DefaultCamelContext camel = new DefaultCamelContext();
             ServerSocket server = parameters.createSSLContext(camel).getServerSocketFactory().createServerSocket(0)) {
            assertThat(echo(server, TestKeys.tlsClient(bridgeKeys, null, PASSWORD))).isEqualTo('k');
            // A client that does not trust the bridge's certificate (here: trusts another) ends the handshake itself.
            assertThatThrownBy(() -> echo(server, TestKeys.tlsClient(strangerKeys, null, PASSWORD))).isInstanceOf(IOException.class);
        }
    }

    /** One byte through a TLS connection and back; an IOException when either side refuses the other. */
    private static char echo(ServerSocket server, SSLContext client) throws Exception {
        Future<?> served = SERVER.submit(() -> {
            try (Socket accepted = server.accept()) {
                int b = accepted.getInputStream().read();
                accepted.getOutputStream().write(b);
                accepted.getOutputStream().flush();
            }
            return null;
        });
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", server.getLocalPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write('k');
            socket.getOutputStream().flush();
            int b = socket.getInputStream().read();
            if (b < 0) {
                throw new IOException("closed by the server");
            }
            return (char) b;
        } finally {
            try {
                served.get(30, TimeUnit.SECONDS);
            } catch (Exception refusedByTheServer) {
                // the server side's handshake failed: the client saw it as an IOException too
            }
        }
    }
}
