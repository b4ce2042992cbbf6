package org.ketabridge.channel.hl7;

import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.Hl7Senders;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * Whether the connection a message came on may send for the clinic its MSH-4 names
 * ({@link Hl7Senders}): its source address among the clinic's addresses and, when certificates are
 * listed, its TLS client certificate's subject among them. What Camel's MLLP consumer says of the
 * connection: the remote address as the socket prints it ({@code /10.20.0.5:51234},
 * {@code host/10.20.0.5:51234}, {@code /[fd00::5]:51234}) and the certificate's subject, when the
 * client presented one.
 */
final class Hl7SenderCheck {

    private Hl7SenderCheck() {
    }

    /** Why this connection may not send for the clinic, or empty when it may (or the clinic lists no senders). */
    static Optional<String> refusal(Clinic clinic, String remoteAddress, String certificateSubject) {
        Hl7Senders senders = clinic.hl7Senders();
        if (!senders.restricted()) {
            return Optional.empty();
        }
        String address = hostAddress(remoteAddress);
        if (!senders.addresses().isEmpty() && (address == null || !anyMatch(senders.addresses(), address))) {
            return Optional.of("this connection's address is not among the senders of facility "
                    + clinic.hl7Facility().orElse("?") + " (bridge.clinics[n].hl7-senders.addresses)");
        }
        if (!senders.certificates().isEmpty() && !certified(senders.certificates(), certificateSubject)) {
            return Optional.of("this connection's client certificate is " + (certificateSubject == null ? "missing" : "not one")
                    + " of the senders of facility " + clinic.hl7Facility().orElse("?")
                    + " (bridge.clinics[n].hl7-senders.certificates; bridge.hl7.tls.client-auth: require)");
        }
        return Optional.empty();
    }

    /** The IP address of {@code [host]/address:port}, without the port and the brackets; null when there is none. */
    static String hostAddress(String remote) {
        if (remote == null) {
            return null;
        }
        String text = remote.substring(remote.lastIndexOf('/') + 1);
        int port = text.lastIndexOf(':');
        if (port < 0) {
            return null;
        }
        String host = text.substring(0, port);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean anyMatch(List<String> ranges, String address) {
        // IpAddressMatcher reads the configured ranges (literal: checked at start-up) and the socket's address.
        return ranges.stream().anyMatch(range -> new IpAddressMatcher(range).matches(address));
    }

    private static boolean certified(List<X500Principal> subjects, String subject) {
        if (subject == null) {
            return false;
        }
        try {
            X500Principal presented = new X500Principal(subject);
            return subjects.contains(presented); // X500Principal compares canonical forms
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
