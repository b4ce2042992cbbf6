package org.ketabridge.channel.hl7;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.preparser.PreParser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ketabridge.config.Clinic;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.record.RecordKind;

/**
 * Turns one HL7 v2 message into the records of one kind as the contract's JSON, as the contract's
 * table says ({@code inbound-records.md}, "HL7 v2 over MLLP"): ADT^A04 and ADT^A08 a patient,
 * RAS^O17 a dose per ORDER group, ORU^R01 a score per OBR. Pure: no Spring, no I/O. HAPI parses
 * with its own validation off (the contract's validators judge the content, as for HTTP) into the
 * v2.5.1 model, so versions 2.3 to 2.5.1 read alike; other versions are refused.
 */
public class Hl7MessageReader {

    static final Set<String> VERSIONS = Set.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1");
    private static final Map<String, Set<String>> EVENTS = Map.of(
            "ADT", Set.of("A04", "A08"), "RAS", Set.of("O17"), "ORU", Set.of("R01"));

    private final PipeParser parser;
    private final DoseReader doses;
    private final ScoreReader scores;

    public Hl7MessageReader(Terminology terminology) {
        HapiContext context = new DefaultHapiContext(new CanonicalModelClassFactory("2.5.1"));
        context.setValidationContext(ValidationContextFactory.noValidation());
        this.parser = context.getPipeParser();
        this.doses = new DoseReader(terminology);
        this.scores = new ScoreReader(terminology);
    }

    /** The message's MSH, read leniently (for the answer), or a refusal ({@code AR}) when the text is not an HL7 v2 message. */
    public Hl7Header header(String text) {
        String[] f;
        try {
            if (text == null || !text.startsWith("MSH")) {
                throw new Hl7Refusal(Hl7Refusal.SEGMENT_SEQUENCE_ERROR, null, "not an HL7 v2 message: it must begin with MSH");
            }
            f = PreParser.getFields(segments(text), "MSH-3", "MSH-4", "MSH-5", "MSH-6", "MSH-10", "MSH-9-1", "MSH-9-2", "MSH-12");
        } catch (HL7Exception | RuntimeException e) {
            if (e instanceof Hl7Refusal refusal) {
                throw refusal;
            }
            throw new Hl7Refusal(Hl7Refusal.SEGMENT_SEQUENCE_ERROR, null, "not an HL7 v2 message: its MSH cannot be read");
        }
        return new Hl7Header(orEmpty(f[0]), orEmpty(f[1]), orEmpty(f[2]), orEmpty(f[3]), orEmpty(f[4]),
                orEmpty(f[5]), orEmpty(f[6]), orEmpty(f[7]));
    }

    /** Refuses ({@code AR}) a header that lacks a field the bridge needs, or names a type, event or version it does not take. */
    public void check(Hl7Header header) {
        required(header.controlId(), 10, "message control id");
        required(header.messageType(), 9, "message type");
        required(header.sendingFacility(), 4, "sending facility (names the clinic)");
        required(header.version(), 12, "version id");
        if (!VERSIONS.contains(header.version())) {
            throw new Hl7Refusal(Hl7Refusal.UNSUPPORTED_VERSION_ID, Hl7Location.of("MSH", 1, 12),
                    "version not supported: send 2.5.1 (2.3 to 2.5.1 are read)");
        }
        Set<String> events = EVENTS.get(header.messageType());
        if (events == null) {
            throw new Hl7Refusal(Hl7Refusal.UNSUPPORTED_MESSAGE_TYPE, Hl7Location.of("MSH", 1, 9).component(1),
                    "message type not supported: ADT^A04, ADT^A08, RAS^O17 and ORU^R01 are taken");
        }
        if (!events.contains(header.event())) {
            throw new Hl7Refusal(Hl7Refusal.UNSUPPORTED_EVENT_CODE, Hl7Location.of("MSH", 1, 9).component(2),
                    "event not supported: ADT^A04, ADT^A08, RAS^O17 and ORU^R01 are taken");
        }
    }

    /** The records of a message whose header passed {@link #check}, for the clinic its MSH-4 names. */
    public Hl7Records read(String text, Hl7Header header, Clinic clinic) {
        Hl7Segments segments;
        try {
            Message message = parser.parse(segments(text));
            segments = new Hl7Segments(message);
        } catch (HL7Exception | RuntimeException e) {
            // HAPI's message quotes the text it choked on: only the kind of failure leaves here.
            throw new Hl7Refusal(Hl7Refusal.SEGMENT_SEQUENCE_ERROR, null, "the message cannot be parsed as HL7 v2 (ER7)");
        }
        return switch (header.messageType()) {
            case "ADT" -> new Hl7Records(RecordKind.PATIENT, PatientReader.read(segments));
            case "RAS" -> new Hl7Records(RecordKind.DOSE, doses.read(segments, clinic));
            default -> new Hl7Records(RecordKind.SCORE, scores.read(segments, clinic));
        };
    }

    /** HL7 separates segments with CR; senders on other systems use LF or CRLF. */
    private static String segments(String text) {
        return text.replace("\r\n", "\r").replace('\n', '\r');
    }

    private static void required(String value, int field, String what) {
        if (value.isEmpty()) {
            throw new Hl7Refusal(Hl7Refusal.REQUIRED_FIELD_MISSING, Hl7Location.of("MSH", 1, field), "MSH-" + field + " (" + what + ") is required");
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value.strip();
    }

    /** The first segment of a name in a list, as found in order; null when absent. */
    static Hl7Segments.Located first(List<Hl7Segments.Located> segments, String name) {
        return segments.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }
}
