package org.ketabridge.ehr.hl7v2;

import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mllp.MllpConstants;
import org.apache.camel.support.DefaultExchange;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.MllpEndpoint;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.RequestPacer;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.logging.LogSafe;
import org.ketabridge.mapping.v2.V2Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that sends to one clinic's HL7 v2 EHR (issue 14): one message at a time on one
 * MLLP connection, through Camel's {@code mllp} producer (it connects when first used, and again
 * after the connection was lost), paced to {@code ehr.rate-per-second}. The ACK decides:
 * {@code AA}/{@code CA} with this message's control id: stored; {@code AE}/{@code CE}: refused for
 * good, with the EHR's error text; anything else (AR/CR, no ACK within {@code ehr.request-timeout},
 * an unreadable ACK, an ACK of another message, no connection): {@link EhrUnavailableException},
 * retried with backoff and counted by the clinic's circuit breaker. Logs name control ids and
 * ACK codes only, never the message or the EHR's text.
 */
public class MllpEhrClient {

    private static final Logger log = LoggerFactory.getLogger(MllpEhrClient.class);

    private final String clinicId;
    private final Endpoint endpoint;
    private final ProducerTemplate producer;
    private final RequestPacer pacer;

    MllpEhrClient(Clinic clinic, CamelContext camel, ProducerTemplate producer) {
        this.clinicId = clinic.id();
        this.endpoint = camel.getEndpoint(uri(clinic));
        this.producer = producer;
        this.pacer = RequestPacer.of(clinic.ehr().ratePerSecond());
    }

    /**
     * Camel's MLLP producer for the clinic (the component never logs message content: {@link MllpClients}):
     * no HL7 headers parsed from the message, connect timeout {@code ehr.connect-timeout}, ACK
     * timeout {@code ehr.request-timeout}, TLS with the JVM's trust store when {@code ehr.tls}.
     */
    static String uri(Clinic clinic) {
        MllpEndpoint ehr = clinic.ehr().mllp();
        int connect = (int) clinic.ehr().connectTimeout().toMillis();
        int ack = (int) clinic.ehr().requestTimeout().toMillis();
        return "mllp://" + ehr.host() + ":" + ehr.port() + "?hl7Headers=false&validatePayload=false"
                + "&exchangePattern=InOut&connectTimeout=" + connect + "&receiveTimeout=" + ack + "&readTimeout=" + ack
                + "&keepAlive=true" + (ehr.tls() ? "&sslContextParameters=#" + MllpClients.TLS : "");
    }

    public String clinicId() {
        return clinicId;
    }

    /** Sends the message and reads the ACK: the record is held by the EHR as {@code reference}, or refused. */
    public WriteResult send(V2Message message, String reference) {
        try {
            pacer.awaitTurn();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EhrUnavailableException("interrupted while waiting for the EHR's pace", null);
        }
        Exchange exchange = new DefaultExchange(endpoint.getCamelContext(), ExchangePattern.InOut);
        exchange.getIn().setBody(message.er7());
        producer.send(endpoint, exchange);
        String answer = exchange.getMessage().getHeader(MllpConstants.MLLP_ACKNOWLEDGEMENT_STRING, String.class);
        Exception failure = exchange.getException();
        if (answer == null || answer.isEmpty()) {
            String why = failure == null ? "no ACK" : LogSafe.kinds(failure);
            log.info("Clinic {}: message {} not acknowledged by the EHR ({})", clinicId, message.controlId(), why);
            throw new EhrUnavailableException("no ACK from the EHR for message " + message.controlId() + " (" + why + ")", null);
        }
        Optional<Acknowledgement> read = Acknowledgement.read(answer);
        if (read.isEmpty()) {
            log.info("Clinic {}: message {} answered by something that is not an HL7 ACK", clinicId, message.controlId());
            throw new EhrUnavailableException("the EHR's answer to message " + message.controlId() + " is not an HL7 ACK", null);
        }
        Acknowledgement ack = read.get();
        if (!message.controlId().equals(ack.controlId())) {
            log.warn("Clinic {}: message {} answered by an ACK of another message (MSA-2 {})", clinicId,
                    message.controlId(), printable(ack.controlId()));
            throw new EhrUnavailableException("the EHR acknowledged another message (MSA-2 " + printable(ack.controlId())
                    + ") instead of " + message.controlId(), null);
        }
        if (ack.accepted()) {
            log.debug("Clinic {}: message {} {}", clinicId, message.controlId(), ack.code());
            return WriteResult.stored(reference, java.util.Map.of());
        }
        if (ack.refused()) {
            // The EHR's text goes to the dead letter for clinic IT (it may quote the record), never to the log.
            log.info("Clinic {}: message {} refused by the EHR ({})", clinicId, message.controlId(), ack.code());
            return WriteResult.refused("the EHR answered " + ack.code() + " to " + message.type() + " " + message.controlId()
                    + (ack.errorText().isEmpty() ? "" : ": " + ack.errorText()));
        }
        log.info("Clinic {}: message {} rejected by the EHR for now ({})", clinicId, message.controlId(), ack.code());
        throw new EhrUnavailableException("the EHR answered " + ack.code() + " (rejected, not processed) to "
                + message.controlId(), null);
    }

    private static String printable(String s) {
        String cleaned = s.replaceAll("[^A-Za-z0-9._-]", "?");
        return cleaned.length() > 20 ? cleaned.substring(0, 20) + "…" : cleaned;
    }
}
