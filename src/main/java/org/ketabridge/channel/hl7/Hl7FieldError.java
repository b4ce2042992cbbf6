package org.ketabridge.channel.hl7;

/**
 * One reason a record of an HL7 v2 message was refused: the contract's field, where it is in the
 * message, the HL7 table 0357 code, and why (never the value).
 */
public record Hl7FieldError(String field, Hl7Location location, int code, String reason) {

    /** HL7 table 0357 codes the bridge answers with. */
    public static final int REQUIRED_FIELD_MISSING = 101;
    public static final int DATA_TYPE_ERROR = 102;
    public static final int TABLE_VALUE_NOT_FOUND = 103;
}
