package org.ketabridge.ehr.hl7v2;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.MllpEndpoint;
import org.ketabridge.ehr.ConnectFailure;
import org.ketabridge.ehr.EhrCheckReport;
import org.ketabridge.ehr.EhrCheckReport.Step;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The connection check of one clinic's HL7 v2 EHR (issue 14), in the answer shape of the FHIR
 * check ({@link EhrCheckReport}): it opens a connection to the EHR's MLLP listener as the sync does
 * ({@code ehr.host}, {@code ehr.port}, within {@code ehr.connect-timeout}; with {@code ehr.tls}, the
 * TLS handshake with the same trust as the sync's connections, within {@code ehr.request-timeout})
 * and closes it, sending nothing: an HL7 v2 interface has no message that writes nothing, so no
 * message is sent and no ACK can be checked. Steps:
 *
 * <ol>
 * <li>{@code reach}: the TCP connection; else {@code dns}, {@code unreachable}, {@code timeout},
 *     {@code connection};</li>
 * <li>{@code tls} (with {@code ehr.tls} only): the handshake, its protocol, cipher suite and the EHR's
 *     certificate subject; else {@code tls} (with the TLS error's own words) or {@code timeout}.</li>
 * </ol>
 */
@Component
public class MllpConnectionCheck {

    private static final Logger log = LoggerFactory.getLogger(MllpConnectionCheck.class);

    private final MllpClients clients;
    private final Clock clock;

    public MllpConnectionCheck(MllpClients clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    public EhrCheckReport check(Clinic clinic) {
        Instant at = clock.instant();
        MllpEndpoint ehr = clinic.ehr().mllp();
        String where = ehr.host() + ":" + ehr.port();
        List<Step> steps = new ArrayList<>();
        Map<String, Object> reachFacts = new LinkedHashMap<>();
        reachFacts.put("url", ehr.toString());
        reachFacts.put("tls", ehr.tls() ? "requested" : "none");
        String reach = "TCP connection to " + where;
        try (Socket socket = socket(ehr)) {
            try {
                socket.connect(new InetSocketAddress(ehr.host(), ehr.port()), (int) clinic.ehr().connectTimeout().toMillis());
            } catch (IOException e) {
                ConnectFailure f = ConnectFailure.dns(e, ehr.host(), "ehr.host")
                        .or(() -> timeout(e, "no connection to " + where + " within " + clinic.ehr().connectTimeout().toMillis()
                                + " ms (ehr.connect-timeout)"))
                        .or(() -> ConnectFailure.unreachable(e, where))
                        .orElseGet(() -> ConnectFailure.other(e, where));
                steps.add(new Step("reach", false, reach, "EHR not reached: " + f.problem(), f.kind(), reachFacts));
                if (ehr.tls()) {
                    steps.add(new Step("tls", false, "TLS handshake with " + where, "not tried: the EHR was not reached",
                            "skipped", new LinkedHashMap<>()));
                }
                return report(clinic, at, steps);
            }
            steps.add(new Step("reach", true, reach + " opened and closed, nothing sent", null, null, reachFacts));
            if (socket instanceof SSLSocket tls) {
                steps.add(handshake(tls, where, clinic));
            }
        } catch (IOException | GeneralSecurityException e) {
            // The socket could not be made, or closing it failed: the bridge's own side, not the EHR's.
            steps.add(new Step("reach", false, reach, "the bridge could not open a connection (" + LogSafe.kinds(e) + ")",
                    "connection", reachFacts));
        }
        return report(clinic, at, steps);
    }

    /** A plain socket, or one of the TLS the sync's connections use. */
    private Socket socket(MllpEndpoint ehr) throws IOException, GeneralSecurityException {
        return ehr.tls() ? clients.tlsContext().getSocketFactory().createSocket() : new Socket();
    }

    private static Step handshake(SSLSocket socket, String where, Clinic clinic) {
        String detail = "TLS handshake with " + where;
        Map<String, Object> facts = new LinkedHashMap<>();
        try {
            socket.setSoTimeout((int) clinic.ehr().requestTimeout().toMillis());
            socket.startHandshake();
        } catch (IOException e) {
            ConnectFailure f = ConnectFailure.tls(e, where)
                    .or(() -> timeout(e, "connected to " + where + ", but the TLS handshake had no answer within "
                            + clinic.ehr().requestTimeout().toMillis() + " ms (ehr.request-timeout): does the EHR's"
                            + " listener speak TLS?"))
                    .orElseGet(() -> ConnectFailure.other(e, where));
            return new Step("tls", false, detail, f.problem(), f.kind(), facts);
        }
        SSLSession session = socket.getSession();
        facts.put("protocol", session.getProtocol());
        facts.put("cipherSuite", session.getCipherSuite());
        String subject = peer(session);
        if (subject != null) {
            facts.put("certificateSubject", subject);
        }
        return new Step("tls", true, detail + ": " + session.getProtocol(), null, null, facts);
    }

    private static String peer(SSLSession session) {
        try {
            return ConnectFailure.printable(session.getPeerPrincipal().getName(), 200);
        } catch (IOException e) {
            return null;
        }
    }

    private static Optional<ConnectFailure> timeout(IOException e, String problem) {
        return ConnectFailure.causedBy(e, SocketTimeoutException.class)
                ? Optional.of(new ConnectFailure("timeout", problem)) : Optional.empty();
    }

    private static EhrCheckReport report(Clinic clinic, Instant at, List<Step> steps) {
        // A step skipped for a problem found before it says so, but is not a problem of its own.
        List<String> problems = steps.stream().filter(s -> s.problem() != null && !"skipped".equals(s.kind()))
                .map(Step::problem).toList();
        boolean ok = steps.stream().allMatch(Step::ok);
        EhrCheckReport report = new EhrCheckReport(clinic.id(), ok, at, null, List.copyOf(steps), Map.of(), problems);
        if (ok) {
            log.info("Clinic {} EHR check: ok (HL7 v2, {})", clinic.id(), clinic.ehr().mllp());
        } else {
            // Kinds only: a problem may quote a TLS error.
            log.warn("Clinic {} EHR check: not ok ({})", clinic.id(), report.failedSteps());
        }
        return report;
    }
}
