package org.ketabridge.ehr.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.ehr.EhrCheckReport;
import org.ketabridge.ehr.EhrCheckReport.Step;
import org.ketabridge.ehr.EhrRequestObserver;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.Hl7Receiver;
import org.ketabridge.support.TestClinics;
import org.ketabridge.support.TestKeys;

/**
 * The connection check of an HL7 v2 EHR (issue 14) on real sockets, without the bridge: a
 * listening EHR is reached and hears nothing (no message, not a byte), a closed port is
 * unreachable, an unknown host a DNS problem, a TLS listener with a certificate the JVM does not
 * trust a TLS problem; each in the answer shape of the FHIR check. (A trusted one: Hl7OverTlsTest.)
 */
class MllpConnectionCheckTest {

    private static final DefaultCamelContext CAMEL = new DefaultCamelContext();

    @AfterAll
    static void stop() throws Exception {
        CAMEL.close();
    }

    @Test
    void aListeningEhrIsReachedAndHearsNothing() throws Exception {
        try (Hl7Receiver ehr = new Hl7Receiver(Duration.ofSeconds(1))) {
            EhrCheckReport report = check("localhost", ehr.port());

            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.problems()).isEmpty();
            assertThat(report.steps()).extracting(Step::step).containsExactly("reach");
            Step reach = report.steps().get(0);
            assertThat(reach.detail()).isEqualTo("TCP connection to localhost:" + ehr.port() + " opened and closed, nothing sent");
            assertThat(reach.facts()).containsEntry("url", "mllp://localhost:" + ehr.port()).containsEntry("tls", "none");
            assertThat(report.writeMode()).isNull();
            assertThat(report.plan()).isEmpty();
            // The EHR took the connection and received nothing on it.
            await().atMost(Duration.ofSeconds(10)).until(() -> ehr.connections() == 1);
            assertThat(ehr.bytesReceived()).isZero();
            assertThat(ehr.stored()).isEmpty();
        }
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int closed = BridgeProcess.freePort();

        EhrCheckReport report = check("localhost", closed);

        assertThat(report.ok()).isFalse();
        Step reach = report.steps().get(0);
        assertThat(reach.ok()).isFalse();
        assertThat(reach.kind()).isEqualTo("unreachable");
        assertThat(reach.problem()).contains("localhost:" + closed);
        assertThat(report.problems()).containsExactly(reach.problem());
    }

    @Test
    void anUnknownHostIsADnsProblem() throws Exception {
        EhrCheckReport report = check("hl7-ehr-check.invalid", 2575);

        assertThat(report.ok()).isFalse();
        Step reach = report.steps().get(0);
        assertThat(reach.kind()).isEqualTo("dns");
        assertThat(reach.problem()).contains("'hl7-ehr-check.invalid'").contains("ehr.host");
    }

    /** A certificate this JVM's trust store does not hold: the handshake fails, and the check says why in TLS's words. */
    @Test
    void anEhrWhoseCertificateIsNotTrustedIsATlsProblem(@TempDir Path dir) throws Exception {
        try (Hl7Receiver ehr = new Hl7Receiver(Duration.ofSeconds(1), TestKeys.tlsServer(dir, "untrusted").serverContext())) {
            EhrCheckReport report = check("localhost", ehr.port(), true);

            assertThat(report.ok()).isFalse();
            assertThat(report.steps()).extracting(Step::step).containsExactly("reach", "tls");
            assertThat(report.steps().get(0).ok()).as("TCP connected").isTrue();
            assertThat(report.steps().get(0).facts()).containsEntry("url", "mllps://localhost:" + ehr.port());
            Step tls = report.steps().get(1);
            assertThat(tls.ok()).isFalse();
            assertThat(tls.kind()).isEqualTo("tls");
            assertThat(tls.problem()).contains("SSLHandshakeException").contains("trust store does not trust");
            assertThat(report.problems()).containsExactly(tls.problem());
            assertThat(ehr.stored()).isEmpty();
        }
    }

    /** Not reached at all: the handshake is not tried, and is no problem of its own. */
    @Test
    void aTlsEhrNotReachedSkipsTheHandshake() throws Exception {
        EhrCheckReport report = check("localhost", BridgeProcess.freePort(), true);

        assertThat(report.steps()).extracting(Step::kind).containsExactly("unreachable", "skipped");
        assertThat(report.problems()).hasSize(1);
    }

    private static EhrCheckReport check(String host, int port) {
        return check(host, port, false);
    }

    private static EhrCheckReport check(String host, int port, boolean tls) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bridge.clinics[0].ehr.tls", String.valueOf(tls));
        p.put("bridge.clinics[0].id", "hl7-check");
        p.put("bridge.clinics[0].time-zone", "UTC");
        p.put("bridge.clinics[0].ehr.type", "hl7v2");
        p.put("bridge.clinics[0].ehr.host", host);
        p.put("bridge.clinics[0].ehr.port", String.valueOf(port));
        p.put("bridge.clinics[0].ehr.connect-timeout", "2s");
        ClinicRegistry clinics = TestClinics.registry(p);
        MllpConnectionCheck check = new MllpConnectionCheck(new MllpClients(clinics, CAMEL, EhrRequestObserver.NONE), Clock.systemUTC());
        return check.check(clinics.find("hl7-check").orElseThrow());
    }
}
