package org.ketabridge.ehr.hl7v2;

import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * Camel's TLS parameters for the clinics' MLLP connections, with the EHR's host name checked against
 * its certificate. Camel's MLLP producer opens a plain {@code SSLSocket} from the context's socket
 * factory, and a raw TLS socket checks only the certificate chain: any certificate the JVM trusts,
 * issued to any host, would be taken for the EHR's. Each socket the factory makes is given HTTPS's
 * endpoint identification (RFC 2818: the name connected to must be in the certificate's subject
 * alternative names), so the handshake fails unless the certificate names the configured
 * {@code ehr.host}. The sync and the connection check use the same factory.
 */
final class HostCheckingTls extends SSLContextParameters {

    @Override
    protected List<Configurer<SSLSocket>> getSSLSocketFactorySSLSocketConfigurers(SSLContext context) {
        List<Configurer<SSLSocket>> configurers = new ArrayList<>(super.getSSLSocketFactorySSLSocketConfigurers(context));
        configurers.add(HostCheckingTls::checkHostName);
        return configurers;
    }

    private static SSLSocket checkHostName(SSLSocket socket) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return socket;
    }
}
