package org.ketabridge.ehr;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why a connection check did not reach an EHR, as clinic IT reads it: a {@code kind} (dns,
 * unreachable, tls, timeout, connection) and a {@code problem} naming the host and port and what
 * to look at. Shared by the FHIR and the HL7 v2 check; they differ only in how their client tells
 * a timeout, so each tries {@link #dns}, {@link #tls}, its own timeouts, then {@link #unreachable},
 * and else {@link #other}: the most telling cause first (the JDK's HttpClient wraps an unknown host
 * in a ConnectException).
 */
public record ConnectFailure(String kind, String problem) {

    /** The host name is not known to DNS; {@code setting} is where clinic IT configured it. */
    public static Optional<ConnectFailure> dns(Throwable e, String host, String setting) {
        if (causedBy(e, UnknownHostException.class) || causedBy(e, UnresolvedAddressException.class)) {
            return Optional.of(new ConnectFailure("dns", "the EHR's host name '" + host + "' is not known to DNS:"
                    + " check " + setting + " and the name servers this bridge uses"));
        }
        return Optional.empty();
    }

    /** The TLS handshake failed, with the TLS error's own words (they name no patient) and what a PKIX error means. */
    public static Optional<ConnectFailure> tls(Throwable e, String at) {
        return cause(e, SSLException.class).map(tls -> {
            String message = tls.getMessage();
            return new ConnectFailure("tls", "TLS with " + at + " failed: " + tls.getClass().getSimpleName()
                    + (message == null ? "" : " (" + printable(message, 300) + ")")
                    + (message != null && message.contains("PKIX") ? "; this bridge's Java trust store does not trust the EHR's"
                    + " certificate (or the CA that issued it)" : ""));
        });
    }

    /** Nothing took the connection: refused, or no route to the host. */
    public static Optional<ConnectFailure> unreachable(Throwable e, String at) {
        if (causedBy(e, ConnectException.class) || causedBy(e, NoRouteToHostException.class)) {
            return Optional.of(new ConnectFailure("unreachable", "nothing accepted a connection at " + at
                    + ": is the EHR up, the port right, a firewall in the way?"));
        }
        return Optional.empty();
    }

    /** Any other failure of the connection, by the kind of exception only. */
    public static ConnectFailure other(Throwable e, String at) {
        return new ConnectFailure("connection", "the connection to " + at + " failed (" + e.getClass().getSimpleName() + ")");
    }

    public static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        return cause(e, type).isPresent();
    }

    private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    /** Text from elsewhere (an exception, the EHR), made safe for one line of an answer. */
    public static String printable(String s, int max) {
        String cleaned = s.replaceAll("\\p{Cntrl}", "?").strip();
        return cleaned.length() > max ? cleaned.substring(0, max) + "…" : cleaned;
    }
}
