package org.ketabridge.config;

import java.util.Optional;

/**
 * Where an EHR's HL7 v2 interface listens (issue 14, {@code ehr.type: hl7v2}): host and port of
 * its MLLP listener, and whether the connection is TLS (the JVM's trust store decides whom to trust);
 * and what the bridge writes in MSH-5 and MSH-6 of the messages it sends there
 * ({@code ehr.receiving-application}, {@code ehr.receiving-facility}), when the EHR wants them.
 */
public record MllpEndpoint(String host, int port, boolean tls, Optional<String> receivingApplication,
                           Optional<String> receivingFacility) {

    public MllpEndpoint(String host, int port, boolean tls) {
        this(host, port, tls, Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        return (tls ? "mllps://" : "mllp://") + host + ":" + port;
    }
}
