package org.ketabridge.intake;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * Reads the contract's date-times: ISO 8601, with an offset or without one (then in the clinic's
 * zone). The form every channel sends ({@code 2026-11-03T09:30:00-07:00}, seconds, fraction and
 * offset optional) is read digit by digit; anything else goes to java.time's
 * {@link DateTimeFormatter#ISO_DATE_TIME}, which decides as before. Why: the formatter costs about
 * a microsecond a value, an encounter carries a date-time per vital set, and date-times were
 * the largest part of the contract checks in the durable-accept profile (BENCHMARKS.md).
 * Both paths give the same answer for every input ({@code DateTimesTest} compares them).
 */
final class DateTimes {

    private DateTimes() {
    }

    /** The instant with its offset, or null when the text is not an ISO 8601 date-time. */
    static OffsetDateTime parse(String text, ZoneId zone) {
        String s = text.strip();
        try {
            OffsetDateTime fast = parseCommonForm(s, zone);
            return fast != null ? fast : parseWithFormatter(s, zone);
        } catch (DateTimeException e) { // a well-formed text naming no real time (month 13, 24:00, Feb 30)
            return null;
        }
    }

    /** java.time's general ISO parser: the reference, and the path for every form not read digit by digit. */
    static OffsetDateTime parseWithFormatter(String text, ZoneId zone) {
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(text.strip());
            LocalDateTime local = LocalDateTime.from(parsed);
            if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                return OffsetDateTime.of(local, ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)));
            }
            return local.atZone(zone).toOffsetDateTime();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm[:ss[.f…]][Z|±HH:mm]} exactly, or null for any other form (not
     * necessarily wrong: the formatter decides). Throws DateTimeException for a field out of range.
     */
    private static OffsetDateTime parseCommonForm(String s, ZoneId zone) {
        int n = s.length();
        if (n < 16 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) {
            return null;
        }
        int i = 16;
        int second = 0;
        int nano = 0;
        if (i < n && s.charAt(i) == ':') {
            second = digits(s, i + 1, 2);
            if (second < 0) {
                return null;
            }
            i += 3;
            if (i < n && s.charAt(i) == '.') {
                int start = ++i;
                while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                    nano = nano * 10 + (s.charAt(i) - '0');
                    i++;
                }
                if (i == start || (i < n && isDigit(s.charAt(i)))) {
                    return null; // no digit, or more than nine
                }
                for (int k = i - start; k < 9; k++) {
                    nano *= 10;
                }
            }
        }
        LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nano);
        if (i == n) {
            return local.atZone(zone).toOffsetDateTime();
        }
        if (i == n - 1 && s.charAt(i) == 'Z') {
            return OffsetDateTime.of(local, ZoneOffset.UTC);
        }
        char sign = s.charAt(i);
        if (i == n - 6 && (sign == '+' || sign == '-') && s.charAt(i + 3) == ':') {
            int offsetHours = digits(s, i + 1, 2);
            int offsetMinutes = digits(s, i + 4, 2);
            if (offsetHours < 0 || offsetMinutes < 0) {
                return null;
            }
            int signum = sign == '-' ? -1 : 1;
            return OffsetDateTime.of(local, ZoneOffset.ofHoursMinutes(signum * offsetHours, signum * offsetMinutes));
        }
        return null;
    }

    /** The value of {@code count} ASCII digits from {@code from}, or -1 when one is not a digit or the text ends. */
    private static int digits(String s, int from, int count) {
        if (from + count > s.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
