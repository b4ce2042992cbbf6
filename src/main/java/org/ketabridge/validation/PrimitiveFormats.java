package org.ketabridge.validation;

/**
 * The formats of FHIR's primitive types, read char by char (no regular expression, no parsing
 * into objects): the gate checks every value of every record, and this is most of its work.
 *
 * <p>Each check accepts a subset of what HAPI's InstanceValidator accepts (its R4 regular
 * expressions, its calendar check through the model's date parsing, its integer ranges), never
 * more: years 1900 to 2099, fractions of a second up to 9 digits, decimals without exponent and
 * with at most 15 + 10 digits, strings up to {@value #MAX_STRING} chars. What is left out costs
 * a full validation, never a wrong verdict.
 */
final class PrimitiveFormats {

    static final int MAX_STRING = 10_000;
    static final int MAX_URI = 4096;
    private static final String UUID_PREFIX = "urn:uuid:";
    private static final String OID_PREFIX = "urn:oid:";

    private PrimitiveFormats() {
    }

    /** The value's format for its FHIR type; false for a type not known here. A null value (extensions only) is fine. */
    static boolean valid(String type, String value) {
        if (value == null) {
            return true;
        }
        return switch (type) {
            case "boolean" -> value.equals("true") || value.equals("false");
            case "integer" -> integerIn(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "positiveInt" -> integerIn(value, 1, Integer.MAX_VALUE);
            case "unsignedInt" -> integerIn(value, 0, Integer.MAX_VALUE);
            case "decimal" -> decimal(value);
            case "date" -> date(value);
            case "dateTime" -> dateTime(value);
            case "instant" -> value.length() > 10 && dateTime(value);
            case "time" -> timeEnd(value, 0) == value.length();
            case "id" -> id(value, 0, value.length());
            case "code" -> code(value);
            case "uri", "url", "canonical" -> uri(value);
            case "uuid" -> uuid(value);
            case "oid" -> oid(value);
            case "string", "markdown" -> text(value);
            default -> false;
        };
    }

    // ---- dates and times

    /** YYYY, YYYY-MM or YYYY-MM-DD, the day one the calendar has. */
    static boolean date(String v) {
        return dateEnd(v) == v.length();
    }

    /** A date, or a full date with a time to the second (fraction optional) and an offset. */
    static boolean dateTime(String v) {
        int end = dateEnd(v);
        if (end == v.length()) {
            return true;
        }
        if (end != 10 || v.charAt(10) != 'T') {
            return false;
        }
        int time = timeEnd(v, 11);
        return time > 0 && offsetEnd(v, time) == v.length();
    }

    /** Where the date at the start ends, or -1. */
    private static int dateEnd(String v) {
        int n = v.length();
        if (n < 4 || !digits(v, 0, 4)) {
            return -1;
        }
        int year = number(v, 0, 4);
        if (year < 1900 || year > 2099) {
            return -1;
        }
        if (n == 4 || v.charAt(4) != '-') {
            return 4;
        }
        if (n < 7 || !digits(v, 5, 7)) {
            return -1;
        }
        int month = number(v, 5, 7);
        if (month < 1 || month > 12) {
            return -1;
        }
        if (n == 7 || v.charAt(7) != '-') {
            return 7;
        }
        if (n < 10 || !digits(v, 8, 10)) {
            return -1;
        }
        int day = number(v, 8, 10);
        return day >= 1 && day <= daysIn(year, month) ? 10 : -1;
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** hh:mm:ss with an optional fraction of 1 to 9 digits, from {@code at}: where it ends, or -1. No second 60. */
    static int timeEnd(String v, int at) {
        if (v.length() < at + 8 || !digits(v, at, at + 2) || v.charAt(at + 2) != ':' || !digits(v, at + 3, at + 5)
                || v.charAt(at + 5) != ':' || !digits(v, at + 6, at + 8)) {
            return -1;
        }
        if (number(v, at, at + 2) > 23 || number(v, at + 3, at + 5) > 59 || number(v, at + 6, at + 8) > 59) {
            return -1;
        }
        int end = at + 8;
        if (end < v.length() && v.charAt(end) == '.') {
            int fraction = end + 1;
            while (fraction < v.length() && isDigit(v.charAt(fraction))) {
                fraction++;
            }
            int count = fraction - end - 1;
            if (count < 1 || count > 9) {
                return -1;
            }
            end = fraction;
        }
        return end;
    }

    /** Z, ±hh:mm up to ±13:59, or ±14:00, from {@code at}: where it ends, or -1. */
    private static int offsetEnd(String v, int at) {
        if (at < v.length() && v.charAt(at) == 'Z') {
            return at + 1;
        }
        if (v.length() < at + 6) {
            return -1;
        }
        char sign = v.charAt(at);
        if ((sign != '+' && sign != '-') || !digits(v, at + 1, at + 3) || v.charAt(at + 3) != ':' || !digits(v, at + 4, at + 6)) {
            return -1;
        }
        int hours = number(v, at + 1, at + 3);
        int minutes = number(v, at + 4, at + 6);
        boolean inRange = (hours <= 13 && minutes <= 59) || (hours == 14 && minutes == 0);
        return inRange ? at + 6 : -1;
    }

    /**
     * Seconds since the epoch of a dateTime to the second with no fraction and an offset (the one
     * form whose comparisons FHIRPath never leaves empty); {@code Long.MIN_VALUE} for any other.
     */
    static long epochSecond(String v) {
        if (!dateTime(v) || v.length() < 20 || v.charAt(10) != 'T' || v.charAt(19) == '.') {
            return Long.MIN_VALUE;
        }
        long days = daysFromEpoch(number(v, 0, 4), number(v, 5, 7), number(v, 8, 10));
        long seconds = days * 86_400 + number(v, 11, 13) * 3600L + number(v, 14, 16) * 60L + number(v, 17, 19);
        if (v.charAt(19) == 'Z') {
            return seconds;
        }
        int offset = number(v, 20, 22) * 3600 + number(v, 23, 25) * 60;
        return v.charAt(19) == '+' ? seconds - offset : seconds + offset;
    }

    /** Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
    private static long daysFromEpoch(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    // ---- numbers

    /** -?(0|[1-9][0-9]{0,14})(\.[0-9]{1,10})? */
    static boolean decimal(String v) {
        int i = v.startsWith("-") ? 1 : 0;
        int whole = digitsFrom(v, i);
        if (whole == i || whole - i > 15 || (v.charAt(i) == '0' && whole - i > 1)) {
            return false;
        }
        if (whole == v.length()) {
            return true;
        }
        if (v.charAt(whole) != '.') {
            return false;
        }
        int fraction = digitsFrom(v, whole + 1);
        return fraction == v.length() && fraction - whole - 1 >= 1 && fraction - whole - 1 <= 10;
    }

    /** -?(0|[1-9][0-9]{0,9}), within [min, max]. */
    static boolean integerIn(String v, long min, long max) {
        int i = v.startsWith("-") ? 1 : 0;
        int end = digitsFrom(v, i);
        if (end != v.length() || end == i || end - i > 10 || (v.charAt(i) == '0' && end - i > 1)) {
            return false;
        }
        long value = 0;
        for (int k = i; k < end; k++) {
            value = value * 10 + (v.charAt(k) - '0');
        }
        value = i == 1 ? -value : value;
        return value >= min && value <= max;
    }

    // ---- identifiers, codes, uris

    /** [A-Za-z0-9\-.]{1,64} over v[from, to). */
    static boolean id(String v, int from, int to) {
        if (to - from < 1 || to - from > 64) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = v.charAt(i);
            if (!(isDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** [^\s]+( [^\s]+)*: words of no whitespace, one space between them. */
    static boolean code(String v) {
        if (v.isEmpty() || v.length() > MAX_STRING || isSpace(v.charAt(0)) || isSpace(v.charAt(v.length() - 1))) {
            return false;
        }
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (isSpace(c) && (c != ' ' || isSpace(v.charAt(i + 1)))) {
                return false;
            }
        }
        return true;
    }

    /** No whitespace, up to 4096 chars; a urn:uuid or urn:oid well formed. */
    static boolean uri(String v) {
        if (v.isEmpty() || v.length() > MAX_URI) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= ' ' && isSpace(c)) {
                return false;
            }
        }
        return (!v.startsWith(UUID_PREFIX) || uuid(v)) && (!v.startsWith(OID_PREFIX) || oid(v));
    }

    /** urn:uuid: and 8-4-4-4-12 lower-case hex digits. */
    static boolean uuid(String v) {
        if (v.length() != 45 || !v.startsWith(UUID_PREFIX)) {
            return false;
        }
        for (int i = 9; i < 45; i++) {
            char c = v.charAt(i);
            boolean dash = i == 17 || i == 22 || i == 27 || i == 32;
            if (dash ? c != '-' : !(isDigit(c) || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** urn:oid:[0-2](\.(0|[1-9][0-9]{0,8}))+ */
    static boolean oid(String v) {
        int n = v.length();
        if (!v.startsWith(OID_PREFIX) || n < 11 || v.charAt(8) < '0' || v.charAt(8) > '2') {
            return false;
        }
        int i = 9;
        int arcs = 0;
        while (i < n) {
            if (v.charAt(i) != '.') {
                return false;
            }
            int end = digitsFrom(v, i + 1);
            int count = end - i - 1;
            if (count < 1 || count > 9 || (v.charAt(i + 1) == '0' && count > 1)) {
                return false;
            }
            arcs++;
            i = end;
        }
        return arcs > 0;
    }

    /** Type/id: a resource type's form ([A-Z][A-Za-z]{1,63}), a slash, an id. */
    static boolean relativeReference(String v) {
        int slash = v.indexOf('/');
        if (slash < 2 || slash > 64 || v.charAt(0) < 'A' || v.charAt(0) > 'Z') {
            return false;
        }
        for (int i = 1; i < slash; i++) {
            char c = v.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return id(v, slash + 1, v.length());
    }

    // ---- strings

    /**
     * Not empty, not too long, no whitespace at either end, and no control char (but tab, CR and
     * LF), format char (bidi overrides, zero-width spaces), lone surrogate, private-use or
     * unassigned code point, or line/paragraph separator.
     */
    static boolean text(String v) {
        if (v.isEmpty() || v.length() > MAX_STRING
                || Character.isWhitespace(v.charAt(0)) || Character.isWhitespace(v.charAt(v.length() - 1))) {
            return false;
        }
        for (int i = 0; i < v.length(); ) {
            char c = v.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                i++; // printable ASCII, the common case
                continue;
            }
            int cp = v.codePointAt(i);
            switch (Character.getType(cp)) {
                case Character.CONTROL -> {
                    if (cp != '\n' && cp != '\r' && cp != '\t') {
                        return false;
                    }
                }
                case Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                     Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> {
                    return false;
                }
                default -> {
                }
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    // ---- helpers

    /** Java's \s: space, tab, LF, VT, FF, CR. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean digits(String v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(v.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int digitsFrom(String v, int from) {
        int i = from;
        while (i < v.length() && isDigit(v.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int number(String v, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (v.charAt(i) - '0');
        }
        return n;
    }
}
