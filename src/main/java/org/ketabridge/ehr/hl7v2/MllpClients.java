package org.ketabridge.ehr.hl7v2;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mllp.MllpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.EhrType;
import org.ketabridge.ehr.EhrRequestObserver;
import org.springframework.stereotype.Component;

/** One MLLP client per clinic whose EHR takes HL7 v2 (issue 14), each with its own connection. */
@Component
public class MllpClients {

    /** The TLS setup of {@code ehr.tls}: Camel's defaults, the JVM's trust store and protocols, the host name checked. */
    static final String TLS = "ketabridgeMllpTls";

    private final Map<String, MllpEhrClient> byClinic;
    private final CamelContext camel;
    private final SSLContextParameters tls = new HostCheckingTls();

    public MllpClients(ClinicRegistry clinics, CamelContext camel, EhrRequestObserver requests) {
        // The component writes messages and ACKs into its exceptions and logs unless told not to.
        camel.getComponent("mllp", MllpComponent.class).setLogPhi(false);
        this.camel = camel;
        camel.getRegistry().bind(TLS, tls);
        ProducerTemplate producer = camel.createProducerTemplate();
        this.byClinic = clinics.all().stream()
                .filter(c -> c.ehr().type() == EhrType.HL7V2)
                .map(c -> new MllpEhrClient(c, camel, producer, requests))
                .collect(Collectors.toUnmodifiableMap(MllpEhrClient::clinicId, Function.identity()));
    }

    /** The TLS the clinics' MLLP connections use ({@code ehr.tls}), for the connection check to shake hands as they do. */
    SSLContext tlsContext() throws GeneralSecurityException, IOException {
        return tls.createSSLContext(camel);
    }

    public MllpEhrClient of(String clinicId) {
        MllpEhrClient client = byClinic.get(clinicId);
        if (client == null) {
            throw new IllegalStateException("Clinic " + clinicId + " has no HL7 v2 EHR");
        }
        return client;
    }
}
