package org.ketabridge.channel.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v251.message.ACK;
import ca.uhn.hl7v2.model.v251.segment.ERR;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.parser.PipeParser;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import org.ketabridge.intake.Receipt;

/**
 * Every ACK the bridge answers with (HAPI's v2.5.1 model): MSH with sender and receiver swapped,
 * MSA-2 the message's control id, MSA-3 the receipt and its counts. {@code AA} all stored;
 * {@code AE} some record refused, one ERR per field error (ERR-2 where, ERR-3 table 0357, ERR-4
 * {@code E}, ERR-8 record, field and reason: never a value); {@code AR} the message refused whole.
 */
public class Hl7Acks {

    private static final DateTimeFormatter HL7_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");
    private static final Map<Integer, String> TABLE_0357 = Map.of(
            100, "Segment sequence error", 101, "Required field missing", 102, "Data type error",
            103, "Table value not found", 200, "Unsupported message type", 201, "Unsupported event code",
            203, "Unsupported version id", 204, "Unknown key identifier", 207, "Application internal error");

    private final Clock clock;
    private final PipeParser parser = PipeParser.getInstanceWithNoValidation();

    public Hl7Acks(Clock clock) {
        this.clock = clock;
    }

    /** AA, or AE with the located errors of every refused record (the good ones are stored all the same). */
    public String answer(Hl7Header header, Receipt receipt, Hl7Records records) {
        String text = "receipt " + receipt.receiptId() + ": " + receipt.accepted() + " accepted (" + receipt.unchanged()
                + " unchanged), " + receipt.rejected() + " refused";
        try {
            ACK ack = ack(header, receipt.rejected() == 0 ? "AA" : "AE", text);
            int i = 0;
            for (var rejection : receipt.rejections()) {
                String name = records.recordName(rejection);
                for (Hl7FieldError error : records.located(rejection)) {
                    err(ack.getERR(i++), error.location(), error.code(), "record " + name + ": " + error.field() + ": " + error.reason());
                }
            }
            return parser.encode(ack);
        } catch (HL7Exception e) {
            throw new IllegalStateException("ACK could not be built", e);
        }
    }

    /** AR: the message refused whole, with one ERR saying why. */
    public String refuse(Hl7Header header, int code, Hl7Location location, String reason) {
        try {
            ACK ack = ack(header, "AR", reason);
            err(ack.getERR(0), location, code, reason);
            return parser.encode(ack);
        } catch (HL7Exception e) {
            throw new IllegalStateException("ACK could not be built", e);
        }
    }

    private ACK ack(Hl7Header header, String code, String text) throws HL7Exception {
        ACK ack = new ACK();
        MSH msh = ack.getMSH();
        msh.getFieldSeparator().setValue("|");
        msh.getEncodingCharacters().setValue("^~\\&");
        msh.getSendingApplication().getNamespaceID().setValue(orDefault(header.receivingApplication(), "KetaBridge"));
        msh.getSendingFacility().getNamespaceID().setValue(header.receivingFacility());
        msh.getReceivingApplication().getNamespaceID().setValue(header.sendingApplication());
        msh.getReceivingFacility().getNamespaceID().setValue(header.sendingFacility());
        msh.getDateTimeOfMessage().getTime().setValue(HL7_TIME.format(clock.instant().atOffset(ZoneOffset.UTC)));
        msh.getMessageType().getMessageCode().setValue("ACK");
        msh.getMessageType().getTriggerEvent().setValue(header.event());
        msh.getMessageType().getMessageStructure().setValue("ACK");
        msh.getMessageControlID().setValue(UUID.randomUUID().toString().replace("-", "").substring(0, 20));
        msh.getProcessingID().getProcessingID().setValue("P");
        msh.getVersionID().getVersionID().setValue("2.5.1");
        ack.getMSA().getAcknowledgmentCode().setValue(code);
        ack.getMSA().getMessageControlID().setValue(header.controlId());
        ack.getMSA().getTextMessage().setValue(text);
        return ack;
    }

    private static void err(ERR err, Hl7Location at, int code, String message) throws HL7Exception {
        if (at != null) {
            var erl = err.getErrorLocation(0);
            erl.getSegmentID().setValue(at.segment());
            erl.getSegmentSequence().setValue(number(at.sequence()));
            erl.getFieldPosition().setValue(number(at.field()));
            erl.getFieldRepetition().setValue(number(at.field() == 0 ? 0 : at.repetition()));
            erl.getComponentNumber().setValue(number(at.component()));
        }
        err.getHL7ErrorCode().getIdentifier().setValue(Integer.toString(code));
        err.getHL7ErrorCode().getText().setValue(TABLE_0357.getOrDefault(code, ""));
        err.getHL7ErrorCode().getNameOfCodingSystem().setValue("HL70357");
        err.getSeverity().setValue("E");
        err.getUserMessage().setValue(message);
    }

    private static String number(int n) {
        return n > 0 ? Integer.toString(n) : null;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
