package org.ketabridge.config;

/**
 * Where an EHR's HL7 v2 interface listens (issue 14, {@code ehr.type: hl7v2}): host and port of
 * its MLLP listener, and whether the connection is TLS (the JVM's trust store decides whom to trust).
 */
public record MllpEndpoint(String host, int port, boolean tls) {

    @Override
    public String toString() {
        return (tls ? "mllps://" : "mllp://") + host + ":" + port;
    }
}
