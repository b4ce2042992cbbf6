package org.ketabridge.ehr.hl7v2;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mllp.MllpConstants;
import org.apache.camel.support.DefaultExchange;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.MllpEndpoint;
import java.time.Duration;
import org.ketabridge.ehr.EhrRequestObserver;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.RequestPacer;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.v2.V2Message;

/**
 * The only code that sends to one clinic's HL7 v2 EHR (issue 14): one message at a time on one
 * MLLP connection, through Camel's {@code mllp} producer (it connects when first used, and again
 * after the connection was lost), paced to {@code ehr.rate-per-second}. The ACK, or its absence
 * within {@code ehr.request-timeout}, decides what became of the record ({@link AckDecision}); its
 * code and how long it took are told to the {@link EhrRequestObserver}, as a FHIR EHR's answers are.
 */
public class MllpEhrClient {

    private final String clinicId;
    private final Endpoint endpoint;
    private final ProducerTemplate producer;
    private final RequestPacer pacer;
    private final EhrRequestObserver observer;

    MllpEhrClient(Clinic clinic, CamelContext camel, ProducerTemplate producer, EhrRequestObserver observer) {
        this.clinicId = clinic.id();
        this.endpoint = camel.getEndpoint(uri(clinic));
        this.producer = producer;
        this.pacer = RequestPacer.of(clinic.ehr().ratePerSecond());
        this.observer = observer;
    }

    /**
     * Camel's MLLP producer for the clinic (the component never logs message content: {@link MllpClients}):
     * no HL7 headers parsed from the message, connect timeout {@code ehr.connect-timeout}, ACK
     * timeout {@code ehr.request-timeout}, TLS with the JVM's trust store when {@code ehr.tls}. The
     * message goes as UTF-8, as its MSH-18 says (the component's default is ISO-8859-1, which has
     * no letters for many names); an ACK is read as its own MSH-18 says, else as UTF-8.
     */
    static String uri(Clinic clinic) {
        MllpEndpoint ehr = clinic.ehr().mllp();
        int connect = (int) clinic.ehr().connectTimeout().toMillis();
        int ack = (int) clinic.ehr().requestTimeout().toMillis();
        return "mllp://" + ehr.host() + ":" + ehr.port() + "?hl7Headers=false&validatePayload=false&charsetName=UTF-8"
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
        long start = System.nanoTime(); // after the pacer: the EHR's time, not the bridge's waiting
        producer.send(endpoint, exchange);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String answer = exchange.getMessage().getHeader(MllpConstants.MLLP_ACKNOWLEDGEMENT_STRING, String.class);
        observe(answer, took);
        return AckDecision.of(clinicId, message, reference, answer, exchange.getException());
    }

    /** The answer's code for the metrics (AckDecision reads it again for the record: a few fields of a short string). */
    private void observe(String answer, Duration took) {
        if (answer == null || answer.isEmpty()) {
            observer.unanswered(clinicId, took);
        } else {
            observer.acknowledged(clinicId, Acknowledgement.read(answer).map(Acknowledgement::code)
                    .orElse(EhrRequestObserver.NOT_AN_ACK), took);
        }
    }
}
