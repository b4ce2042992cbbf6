package org.ketabridge.channel.hl7;

import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.mllp.MllpConstants;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.IntakeBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hl7-intake route's first step: one message (the MLLP frame's text) into an
 * {@link IntakeBatch} for the clinic its MSH-4 names, if the connection may send for it
 * ({@link Hl7SenderCheck}). Keeps the header and the records' locations
 * on the exchange for the answer; refuses the message whole ({@link Hl7Refusal}) when it must.
 */
public class Hl7MessageIntake implements Processor {

    static final String HEADER = "ketabridge.hl7.header";
    static final String RECORDS = "ketabridge.hl7.records";

    private static final Logger log = LoggerFactory.getLogger(Hl7MessageIntake.class);

    private final Hl7MessageReader reader;
    private final ClinicRegistry clinics;

    public Hl7MessageIntake(Hl7MessageReader reader, ClinicRegistry clinics) {
        this.reader = reader;
        this.clinics = clinics;
    }

    @Override
    public void process(Exchange exchange) {
        String text = exchange.getIn().getBody(String.class);
        Hl7Header header = reader.header(text);
        exchange.setProperty(HEADER, header);
        reader.check(header);
        Clinic clinic = clinicOf(header.sendingFacility())
                .orElseThrow(() -> new Hl7Refusal(Hl7Refusal.UNKNOWN_KEY_IDENTIFIER, Hl7Location.of("MSH", 1, 4).component(1),
                        "sending facility not configured for any clinic (bridge.clinics[n].hl7-facility)"));
        String remote = exchange.getIn().getHeader(MllpConstants.MLLP_REMOTE_ADDRESS, String.class);
        Optional<String> notASender = Hl7SenderCheck.refusal(clinic, remote,
                exchange.getIn().getHeader(MllpConstants.MLLP_SSL_CLIENT_CERT_SUBJECT_NAME, String.class));
        if (notASender.isPresent()) {
            // The address and the clinic only: never the message.
            log.warn("HL7 v2 message {} for clinic {} refused: sender {} not among its hl7-senders", header.controlId(),
                    clinic.id(), Hl7SenderCheck.hostAddress(remote));
            throw new Hl7Refusal(Hl7Refusal.UNKNOWN_KEY_IDENTIFIER, Hl7Location.of("MSH", 1, 4).component(1), notASender.get());
        }
        Hl7Records records = reader.read(text, header, clinic);
        exchange.setProperty(RECORDS, records);
        exchange.getMessage().setBody(new IntakeBatch(clinic, records.kind(), "hl7", records.lines()));
    }

    private Optional<Clinic> clinicOf(String facility) {
        return clinics.all().stream().filter(c -> c.hl7Facility().filter(facility::equals).isPresent()).findFirst();
    }
}
