package org.ketabridge.ehr.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.Hl7Receiver;
import org.ketabridge.support.TestKeys;
import org.ketabridge.support.TestKeys.TlsFiles;

/**
 * The MLLP connections' TLS checks the EHR's host name, on real sockets: an EHR listening on
 * localhost with a certificate the bridge trusts but issued to another host is refused in the
 * handshake (Camel's TLS parameters alone take it: they check the chain only), and one whose
 * certificate names localhost is taken. Before a message is written, so nothing reaches an impostor.
 */
class HostCheckingTlsTest {

    private static final DefaultCamelContext CAMEL = new DefaultCamelContext();

    @TempDir
    Path work;

    @AfterAll
    static void stop() throws Exception {
        CAMEL.close();
    }

    @Test
    void aTrustedCertificateIssuedToAnotherHostFailsTheHandshake() throws Exception {
        TlsFiles elsewhere = TestKeys.tlsServer(work, "elsewhere", "dns:ehr.elsewhere.example");
        try (Hl7Receiver ehr = new Hl7Receiver(Duration.ofSeconds(1), elsewhere.serverContext())) {
            assertThatThrownBy(() -> handshake(trusting(new HostCheckingTls(), elsewhere), ehr.port()))
                    .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("localhost");
            assertThat(handshake(trusting(new SSLContextParameters(), elsewhere), ehr.port()))
                    .as("the chain alone, as before").isEqualTo("CN=ketabridge test elsewhere-tls");
            assertThat(ehr.stored()).isEmpty();
        }
    }

    @Test
    void aCertificateNamingTheHostConnectedToIsTaken() throws Exception {
        TlsFiles local = TestKeys.tlsServer(work, "local");
        try (Hl7Receiver ehr = new Hl7Receiver(Duration.ofSeconds(1), local.serverContext())) {
            assertThat(handshake(trusting(new HostCheckingTls(), local), ehr.port())).isEqualTo("CN=ketabridge test local-tls");
        }
    }

    /** The parameters trusting the test certificate only (the bridge's trust the JVM's store: here, a store of its own). */
    private static <T extends SSLContextParameters> T trusting(T tls, TlsFiles files) {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource("file:" + files.trustStore().toAbsolutePath());
        store.setType("PKCS12");
        store.setPassword(files.password());
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        tls.setTrustManagers(trust);
        return tls;
    }

    /** Connects to localhost as Camel's MLLP producer does (an unconnected socket from the factory) and shakes hands. */
    private static String handshake(SSLContextParameters tls, int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls.createSSLContext(CAMEL).getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("localhost", port), 5_000);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return socket.getSession().getPeerPrincipal().getName();
        }
    }
}
