package org.ketabridge.ehr.hl7v2;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An HL7 v2 ACK as the EHR answered it: MSA-1 (AA, AE, AR, or CA, CE, CR), MSA-2 (the control id
 * it acknowledges) and, for an error, its text: each ERR's ERR-3 (error code, its text or code)
 * with its ERR-8 (user message) or else ERR-7 (diagnostic information); without ERR, MSA-3. Read by hand rather than by HAPI's parser: an ACK of any version, or a
 * sloppy one, must still tell its code and control id.
 */
record Acknowledgement(String code, String controlId, String errorText) {

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
        if (ack == null || !ack.startsWith("MSH") || ack.length() < 8) {
            return Optional.empty();
        }
        char field = ack.charAt(3);
        char component = ack.charAt(4);
        String[] msa = null;
        List<String> errors = new ArrayList<>();
        for (String segment : ack.split("[\r\n]+")) {
            String[] f = segment.split(Pattern.quote(String.valueOf(field)), -1);
            if (f[0].equals("MSA") && msa == null) {
                msa = f;
            } else if (f[0].equals("ERR")) {
                String[] code = at(f, 3).split(Pattern.quote(String.valueOf(component)), -1);
                String what = code.length > 1 && !code[1].isEmpty() ? code[1] : code[0];
                String words = !at(f, 8).isEmpty() ? at(f, 8) : at(f, 7);
                String text = what.isEmpty() ? words : words.isEmpty() ? what : what + ": " + words;
                if (!text.isEmpty()) {
                    errors.add(text);
                }
            }
        }
        if (msa == null) {
            return Optional.empty();
        }
        String code = at(msa, 1).trim();
        if (!List.of("AA", "AE", "AR", "CA", "CE", "CR").contains(code)) {
            return Optional.empty();
        }
        String text = errors.isEmpty() ? at(msa, 3) : String.join("; ", errors);
        return Optional.of(new Acknowledgement(code, at(msa, 2).trim(), text));
    }

    private static String at(String[] fields, int i) {
        return i < fields.length ? fields[i] : "";
    }
}
