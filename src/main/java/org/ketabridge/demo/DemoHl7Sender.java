package org.ketabridge.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mllp.MllpConstants;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;

/**
 * The demo's HL7 v2 clinic: sends the sample messages (src/main/resources/demo/hl7/) to the
 * bridge's own MLLP listener as a clinic's interface engine would, one connection, one message
 * after another, each waiting for its ACK. Logs each ACK's code (AA, AE, AR), never a message.
 */
final class DemoHl7Sender {

    private static final Logger log = LoggerFactory.getLogger(DemoHl7Sender.class);
    /** A new patient, then a dose and a PHQ-9 score of the encounter demo/encounters.ndjson holds for them. */
    static final List<String> MESSAGES = List.of("demo/hl7/adt-a04.hl7", "demo/hl7/ras-o17.hl7", "demo/hl7/oru-r01.hl7");

    private final CamelContext camel;
    private final int port;
    private final String listener;

    DemoHl7Sender(CamelContext camel, int port) {
        this.camel = camel;
        this.port = port;
        // Camel's MLLP client (mllp component: log-phi off in application.yaml); the first ACK
        // waits for the HL7 parser to load, hence a receive timeout of seconds rather than millis.
        this.listener = "mllp://localhost:" + port + "?connectTimeout=5000&receiveTimeout=30000&readTimeout=5000";
    }

    void sendAll() {
        try (ProducerTemplate producer = camel.createProducerTemplate()) {
            for (String resource : MESSAGES) {
                Exchange answered = producer.request(listener, exchange -> exchange.getIn().setBody(read(resource)));
                String code = answered.getMessage().getHeader(MllpConstants.MLLP_ACKNOWLEDGEMENT_TYPE, String.class);
                if (code != null) {
                    log.info("Demo: {} sent over MLLP to port {}: {}", resource, port, code);
                } else {
                    log.warn("Demo: {} not answered over MLLP: {}", resource, LogSafe.kinds(answered.getException()));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Demo: HL7 messages not sent: {}", LogSafe.kinds(e));
        }
    }

    /** A sample file, its segments separated by CR as HL7 wants them (the files keep the line ends of a text file). */
    private static String read(String resource) throws IOException {
        try (InputStream in = new ClassPathResource(resource).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().replace("\r\n", "\r").replace('\n', '\r');
        }
    }
}
