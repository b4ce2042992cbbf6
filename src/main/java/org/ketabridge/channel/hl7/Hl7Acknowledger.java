package org.ketabridge.channel.hl7;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.mllp.MllpConstants;
import org.ketabridge.intake.Receipt;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hl7-intake route's answer once RecordIntake has returned (the records committed): AA when
 * every record was stored, AE naming each refused one. Also the answer to a refused message (AR),
 * from the route's error handling: what was refused, or 207 for anything else (the database down:
 * the sender sends again, and a record stored already is then unchanged).
 */
public class Hl7Acknowledger {

    private static final Logger log = LoggerFactory.getLogger(Hl7Acknowledger.class);

    private final Hl7Acks acks;

    public Hl7Acknowledger(Hl7Acks acks) {
        this.acks = acks;
    }

    public Processor answer() {
        return exchange -> {
            Hl7Header header = exchange.getProperty(Hl7MessageIntake.HEADER, Hl7Header.class);
            Receipt receipt = exchange.getIn().getBody(Receipt.class);
            String ack = acks.answer(header, receipt, exchange.getProperty(Hl7MessageIntake.RECORDS, Hl7Records.class));
            log.info("HL7 {} control id {}: receipt {}, {} accepted, {} refused", header.typeAndEvent(), safe(header.controlId()),
                    receipt.receiptId(), receipt.accepted(), receipt.rejected());
            send(exchange, ack);
        };
    }

    public Processor refusal() {
        return exchange -> {
            Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            Hl7Header header = exchange.getProperty(Hl7MessageIntake.HEADER, Hl7Header.class);
            Hl7Header answering = header != null ? header : Hl7Header.UNKNOWN;
            String ack;
            if (error instanceof Hl7Refusal refusal) {
                log.warn("HL7 message refused (AR {}), control id {}: {}", refusal.code(), safe(answering.controlId()), refusal.getMessage());
                ack = acks.refuse(answering, refusal.code(), refusal.location(), refusal.getMessage());
            } else {
                // The error's message may quote the message or a record: only its kind is logged.
                log.error("HL7 message not stored (AR 207), control id {}: {}", safe(answering.controlId()), LogSafe.kinds(error));
                ack = acks.refuse(answering, Hl7Refusal.APPLICATION_INTERNAL_ERROR, null,
                        "internal error: send the message again (what was stored already is then unchanged)");
            }
            send(exchange, ack);
        };
    }

    private static void send(Exchange exchange, String ack) {
        exchange.setProperty(MllpConstants.MLLP_ACKNOWLEDGEMENT_STRING, ack);
        exchange.getMessage().setBody(ack);
    }

    /** A control id is ours to log (not patient data), but only as printable ASCII of bounded length. */
    private static String safe(String controlId) {
        String printable = controlId.replaceAll("[^\\x21-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
