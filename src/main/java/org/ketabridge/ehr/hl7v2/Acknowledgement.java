package org.ketabridge.ehr.hl7v2;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An HL7 v2 ACK as the EHR answered it: MSA-1 (AA, AE, AR, or CA, CE, CR), MSA-2 (the control id
 * it acknowledges) and, for an error, its text for clinic IT: MSA-3 (text message), then each ERR as
 * {@code location: error: words}. From v2.5 on an ERR has ERR-2 (location, {@code PID-7}), ERR-3
 * (the error code: its text, or else the code) and ERR-8 (user message) or else ERR-7 (diagnostic
 * information); before v2.5, ERR-1 (segment^sequence^field^code identifying the error). Read by
 * hand rather than by HAPI's parser: an ACK of any version, or a sloppy one, must still tell its
 * code and control id; its own delimiters (MSH-1, MSH-2) are honoured and its escapes undone.
 */
record Acknowledgement(String code, String controlId, String errorText) {

    private static final List<String> CODES = List.of("AA", "AE", "AR", "CA", "CE", "CR");

    boolean accepted() {
        return code.equals("AA") || code.equals("CA");
    }

    boolean refused() {
        return code.equals("AE") || code.equals("CE");
    }

    boolean rejected() {
        return code.equals("AR") || code.equals("CR");
    }

    /** The ACK, or empty when it is not one (no MSH, no MSA, or an acknowledgement code HL7 does not have). */
    static Optional<Acknowledgement> read(String ack) {
        if (ack == null || !ack.startsWith("MSH") || ack.length() < 4) {
            return Optional.empty();
        }
        Delimiters d = Delimiters.of(ack);
        String[] msa = null;
        List<String> errors = new ArrayList<>();
        for (String segment : ack.split("[\r\n]+")) {
            String[] f = d.fields(segment);
            if (f[0].equals("MSA") && msa == null) {
                msa = f;
            } else if (f[0].equals("ERR")) {
                String text = errorText(f, d);
                if (!text.isEmpty()) {
                    errors.add(text);
                }
            }
        }
        if (msa == null) {
            return Optional.empty();
        }
        String code = at(msa, 1).trim();
        if (!CODES.contains(code)) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        String message = d.unescape(at(msa, 3));
        if (!message.isEmpty() && errors.stream().noneMatch(e -> e.contains(message))) {
            parts.add(message);
        }
        parts.addAll(errors);
        return Optional.of(new Acknowledgement(code, at(msa, 2).trim(), String.join("; ", parts)));
    }

    /** One ERR's words: v2.5's ERR-2, ERR-3 and ERR-8 (or ERR-7), else v2.3's ERR-1. */
    private static String errorText(String[] err, Delimiters d) {
        String[] v23 = d.components(at(err, 1));
        String[] erl = d.components(at(err, 2));
        // v2.5's fields, when there are any; else ERR-1, all an ERR had before v2.5.
        boolean v25 = !at(err, 2).isEmpty() || !at(err, 3).isEmpty() || !at(err, 7).isEmpty() || !at(err, 8).isEmpty();
        String location = v25 ? location(erl[0], erl.length > 2 ? erl[2] : "") : location(v23[0], v23.length > 2 ? v23[2] : "");
        // Before v2.5 the error's code is ERR-1's fourth component, a coded element in subcomponents.
        String what = v25 ? codeText(at(err, 3), d)
                : codeText(v23.length > 3 ? v23[3].replace(d.subcomponent, d.component) : "", d);
        String words = d.unescape(!at(err, 8).isEmpty() ? at(err, 8) : at(err, 7));
        String text = what.isEmpty() ? words : words.isEmpty() ? what : what + ": " + words;
        return location.isEmpty() || text.isEmpty() ? text : location + ": " + text;
    }

    /** {@code PID-7}, {@code PID}, or nothing. */
    private static String location(String segment, String field) {
        if (!segment.matches("[A-Z][A-Z0-9]{2}")) {
            return "";
        }
        return field.matches("\\d{1,3}") ? segment + "-" + field : segment;
    }

    /** A coded element's text (second component), or else its code. */
    private static String codeText(String ce, Delimiters d) {
        String[] c = d.components(ce);
        return d.unescape(c.length > 1 && !c[1].isEmpty() ? c[1] : c[0]);
    }

    private static String at(String[] fields, int i) {
        return i < fields.length ? fields[i] : "";
    }

    /** The ACK's own delimiters, from MSH-1 and MSH-2. */
    private record Delimiters(char field, char component, char repetition, char escape, char subcomponent) {

        static Delimiters of(String ack) {
            char field = ack.charAt(3);
            int end = ack.indexOf(field, 4);
            String msh2 = ack.substring(4, end < 0 ? Math.min(ack.length(), 8) : end);
            return new Delimiters(field, at(msh2, 0, '^'), at(msh2, 1, '~'), at(msh2, 2, '\\'), at(msh2, 3, '&'));
        }

        private static char at(String msh2, int i, char standard) {
            return i < msh2.length() ? msh2.charAt(i) : standard;
        }

        String[] fields(String segment) {
            return segment.split(Pattern.quote(String.valueOf(field)), -1);
        }

        String[] components(String value) {
            return value.split(Pattern.quote(String.valueOf(component)), -1);
        }

        /** Text with the delimiter escapes (\F\ \S\ \T\ \R\ \E\) undone; any other escape left as written. */
        String unescape(String text) {
            String e = String.valueOf(escape);
            return text.replace(e + "F" + e, String.valueOf(field)).replace(e + "S" + e, String.valueOf(component))
                    .replace(e + "T" + e, String.valueOf(subcomponent)).replace(e + "R" + e, String.valueOf(repetition))
                    .replace(e + "E" + e, e).strip();
        }
    }
}
