package org.ketabridge.convert;

import java.util.List;

/**
 * An HL7 v2 message the bridge would refuse: every problem found, each naming the record, where in
 * the message (segment and field) and why, never a value from the message.
 */
public class Hl7ConversionException extends IllegalArgumentException {

    private final List<String> problems;

    public Hl7ConversionException(List<String> problems) {
        super("The message is refused: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each, in message order. */
    public List<String> problems() {
        return problems;
    }
}
