package org.ketabridge.config;

import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * HL7 v2 in ({@code bridge.clinics[n].hl7-senders}): who may send records as the clinic's facility.
 * MSH-4 names the clinic, but anything that can open a connection to the listener can write any
 * MSH-4; so a clinic that lists its senders takes a message only from a connection whose source
 * address is one of {@code addresses} (an IP address or a CIDR range, literal: no host name, which
 * would be looked up on every message and could be made to answer anything), and, when
 * {@code certificates} are listed, whose TLS client certificate has one of those subjects. An
 * empty list restricts nothing (a clinic with neither takes any sender, as before; the bridge says
 * so at start).
 */
public record Hl7Senders(List<String> addresses, List<X500Principal> certificates) {

    public static final Hl7Senders ANYONE = new Hl7Senders(List.of(), List.of());

    public Hl7Senders {
        addresses = List.copyOf(addresses);
        certificates = List.copyOf(certificates);
    }

    /** Whether anything is listed: else any connection may send for the clinic. */
    public boolean restricted() {
        return !addresses.isEmpty() || !certificates.isEmpty();
    }
}
