package org.ketabridge.channel.hl7;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HL7 v2 times (TS/DTM: {@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]}) as the contract's
 * ISO 8601 text. A date-time of the contract needs at least the minute; without an offset none is
 * written, so the validator reads it in the clinic's zone, as it does a JSON record's.
 */
final class Hl7Times {

    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(?:(\\d{2})(?:\\.(\\d{1,4}))?)?(?:([+-])(\\d{2})(\\d{2}))?");
    private static final Pattern DATE = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})(?:\\d{2}(?:\\d{2}(?:\\d{2}(?:\\.\\d{1,4})?)?)?)?(?:[+-]\\d{4})?");

    static final String DATE_TIME_FORM = "must be an HL7 date-time YYYYMMDDHHMM[SS[.S]][+/-ZZZZ], at least to the minute";
    static final String DATE_FORM = "must be an HL7 date YYYYMMDD (a time after it is ignored)";

    private Hl7Times() {
    }

    /** ISO 8601 date-time, or null when the text is not an HL7 time to the minute or finer. */
    static String dateTime(String hl7) {
        Matcher m = DATE_TIME.matcher(hl7);
        if (!m.matches()) {
            return null;
        }
        StringBuilder iso = new StringBuilder()
                .append(m.group(1)).append('-').append(m.group(2)).append('-').append(m.group(3))
                .append('T').append(m.group(4)).append(':').append(m.group(5));
        if (m.group(6) != null) {
            iso.append(':').append(m.group(6));
            if (m.group(7) != null) {
                iso.append('.').append(m.group(7));
            }
        }
        if (m.group(8) != null) {
            iso.append(m.group(8)).append(m.group(9)).append(':').append(m.group(10));
        }
        return iso.toString();
    }

    /** ISO 8601 date {@code YYYY-MM-DD}, or null when the text is not an HL7 time to the day or finer. */
    static String date(String hl7) {
        Matcher m = DATE.matcher(hl7);
        return m.matches() ? m.group(1) + "-" + m.group(2) + "-" + m.group(3) : null;
    }
}
