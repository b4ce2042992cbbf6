package org.ketabridge.channel.hl7;

/**
 * Where a value sits in an HL7 v2 message, as ERR-2 (ERL) names it: segment, its sequence among
 * the message's segments of that name (1-based), field, field repetition, component. 0 for a part
 * not named (a segment the message lacks has no sequence; a whole field no component).
 */
public record Hl7Location(String segment, int sequence, int field, int repetition, int component) {

    public static Hl7Location of(String segment, int sequence, int field) {
        return new Hl7Location(segment, sequence, field, 1, 0);
    }

    public Hl7Location component(int number) {
        return new Hl7Location(segment, sequence, field, repetition, number);
    }

    public Hl7Location repetition(int number) {
        return new Hl7Location(segment, sequence, field, number, component);
    }

    /** ERR-2 in ER7: {@code PID^1^7^1^1}; parts not named are left empty. */
    public String erl() {
        return segment + "^" + part(sequence) + "^" + part(field) + "^" + part(field == 0 ? 0 : repetition) + "^" + part(component);
    }

    /** As people write it: {@code PID-7}, {@code OBX-5} (the segment sequence is in {@link #erl()}). */
    @Override
    public String toString() {
        return field == 0 ? segment : segment + "-" + field + (component > 0 ? "." + component : "");
    }

    private static String part(int number) {
        return number > 0 ? Integer.toString(number) : "";
    }
}
