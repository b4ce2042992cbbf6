package org.ketabridge.channel.hl7;

/**
 * A message refused whole (answered {@code AR}): not about one record's content but about the
 * message itself. Its text names the location and the kind of problem, never a value, so it may
 * go into an ACK and a log.
 */
public class Hl7Refusal extends RuntimeException {

    /** HL7 table 0357. */
    public static final int SEGMENT_SEQUENCE_ERROR = 100;
    public static final int REQUIRED_FIELD_MISSING = 101;
    public static final int UNSUPPORTED_MESSAGE_TYPE = 200;
    public static final int UNSUPPORTED_EVENT_CODE = 201;
    public static final int UNSUPPORTED_VERSION_ID = 203;
    public static final int UNKNOWN_KEY_IDENTIFIER = 204;
    public static final int APPLICATION_INTERNAL_ERROR = 207;

    private final int code;
    private final transient Hl7Location location;

    public Hl7Refusal(int code, Hl7Location location, String reason) {
        super(reason, null, false, false);
        this.code = code;
        this.location = location;
    }

    public int code() {
        return code;
    }

    /** Null when the refusal is about the message as a whole. */
    public Hl7Location location() {
        return location;
    }
}
