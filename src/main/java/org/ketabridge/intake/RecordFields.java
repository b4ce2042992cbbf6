package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ketabridge.record.RecordIds;

/**
 * Reads the fields of one inbound JSON object by the contract's types, collecting every error
 * (never stopping at the first) and copying what is valid into a normalized object.
 * Error reasons never repeat the submitted value: it may be patient data.
 */
final class RecordFields {

    static final long FUTURE_TOLERANCE_SECONDS = 5 * 60;
    /** The most decimal places a number of the contract may have (a double prints at most 17 in the contract's ranges). */
    static final int MAX_DECIMAL_PLACES = 18;
    private static final BigDecimal LARGEST_FINITE = new BigDecimal(Double.MAX_VALUE);

    private final JsonNode source;
    private final String path;
    private final ObjectNode out;
    private final List<FieldError> errors;
    private final ZoneId zone;
    private final Instant now;

    RecordFields(JsonNode source, ZoneId zone, Instant now) {
        this(source, "", JsonNodeFactory.instance.objectNode(), new ArrayList<>(), zone, now);
    }

    private RecordFields(JsonNode source, String path, ObjectNode out, List<FieldError> errors, ZoneId zone, Instant now) {
        this.source = source;
        this.path = path;
        this.out = out;
        this.errors = errors;
        this.zone = zone;
        this.now = now;
    }

    /** Fields of a nested object (a vital set), reported as {@code vitals[2].systolic}, written into {@code nestedOut}. */
    RecordFields nested(JsonNode nestedSource, String nestedPath, ObjectNode nestedOut) {
        return new RecordFields(nestedSource, nestedPath + ".", nestedOut, errors, zone, now);
    }

    ObjectNode normalized() { return out; }
    List<FieldError> errors() { return errors; }
    boolean hasErrors() { return !errors.isEmpty(); }

    void error(String field, String reason) {
        String name = field.isEmpty() && path.endsWith(".") ? path.substring(0, path.length() - 1) : path + field;
        errors.add(new FieldError(name, reason));
    }

    boolean isPresent(String field) {
        JsonNode n = source.get(field);
        return n != null && !n.isNull();
    }

    private JsonNode present(String field, boolean required) {
        JsonNode n = source.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                error(field, "required");
            }
            return null;
        }
        return n;
    }

    String id(String field, boolean required) {
        JsonNode n = present(field, required);
        if (n == null) {
            return null;
        }
        if (!n.isTextual() || !RecordIds.isValid(n.asText())) {
            error(field, "must be an id: 1 to 64 characters of A-Z a-z 0-9 . _ -");
            return null;
        }
        out.put(field, n.asText());
        return n.asText();
    }

    String string(String field, boolean required, int maxLength) {
        JsonNode n = present(field, required);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            error(field, "must be a string");
            return null;
        }
        String value = n.asText().strip();
        if (value.isEmpty()) {
            error(field, required ? "required (blank)" : "must not be blank when given");
            return null;
        }
        if (value.length() > maxLength) {
            error(field, "longer than " + maxLength + " characters");
            return null;
        }
        out.put(field, value);
        return value;
    }

    String oneOf(String field, boolean required, Set<String> allowed) {
        JsonNode n = present(field, required);
        if (n == null) {
            return null;
        }
        if (!n.isTextual() || !allowed.contains(n.asText())) {
            error(field, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
            return null;
        }
        out.put(field, n.asText());
        return n.asText();
    }

    /**
     * A list of codes from {@code vocabulary} (optional: absent means not recorded, the empty list
     * means none). Each value is checked at its index ({@code adverseEvents[1]}): one not in the
     * vocabulary, or one already listed, is an error. Stored in the vocabulary's order, so the same
     * values sent in another order are the same content ({@code unchanged}).
     */
    List<String> codeList(String field, List<String> vocabulary) {
        JsonNode n = present(field, false);
        if (n == null) {
            return null;
        }
        if (!n.isArray()) {
            error(field, "must be a list of " + String.join(", ", vocabulary) + " (an empty list means none)");
            return null;
        }
        Map<String, Integer> seen = new HashMap<>();
        boolean valid = true;
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            String at = field + "[" + i + "]";
            if (!item.isTextual() || !vocabulary.contains(item.asText())) {
                error(at, "must be one of " + String.join(", ", vocabulary)
                        + " (none: an empty list in JSON, the single value none in a CSV cell)");
                valid = false;
                continue;
            }
            Integer earlier = seen.putIfAbsent(item.asText(), i);
            if (earlier != null) {
                error(at, "repeats " + field + "[" + earlier + "]: list each value once");
                valid = false;
            }
        }
        if (!valid) {
            return null;
        }
        List<String> values = vocabulary.stream().filter(seen::containsKey).toList();
        ArrayNode stored = out.putArray(field);
        values.forEach(stored::add);
        return values;
    }

    String npi(String field, boolean required) {
        JsonNode n = present(field, required);
        if (n == null) {
            return null;
        }
        if (!n.isTextual() || !n.asText().matches("\\d{10}")) {
            error(field, "must be an NPI: 10 digits as a string");
            return null;
        }
        if (!Npi.hasValidCheckDigit(n.asText())) {
            error(field, "fails the NPI check digit (Luhn with prefix 80840)");
            return null;
        }
        out.put(field, n.asText());
        return n.asText();
    }

    Integer integer(String field, boolean required, int min, int max) {
        JsonNode n = present(field, required);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            error(field, "must be an integer");
            return null;
        }
        String wrong = integerProblem(n, min, max);
        if (wrong != null) {
            error(field, wrong);
            return null;
        }
        int v = n.decimalValue().intValueExact();
        out.put(field, v);
        return v;
    }

    /**
     * Why a JSON number is not an integer from min to max, or null when it is one. The value is
     * compared exactly (never through a long or an int, which would wrap 2^64 + 5 to 5), the range
     * first, so that a huge value is refused before any arithmetic on it. An integral value
     * written as a decimal ({@code 1.0}, {@code 1e1}) is an integer.
     */
    static String integerProblem(JsonNode n, int min, int max) {
        BigDecimal v = exactValue(n);
        if (v == null) {
            return "must be a finite number";
        }
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            return "must be from " + min + " to " + max;
        }
        if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
            return "must be an integer (no fraction)";
        }
        return null;
    }

    /**
     * The exact value of a JSON number, or null when it is not finite. The intake reads decimals
     * as BigDecimal, so 1e400 arrives as a (huge) finite number; a double node (from other
     * readers) may hold an infinity, which has no exact value.
     */
    static BigDecimal exactValue(JsonNode n) {
        if ((n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue())) {
            return null;
        }
        return n.decimalValue();
    }

    /** A number in the range; {@code minExclusive} makes the lower bound strict (the contract's "> 0"). */
    BigDecimal number(String field, boolean required, BigDecimal min, boolean minExclusive, BigDecimal max) {
        JsonNode n = present(field, required);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            error(field, "must be a number");
            return null;
        }
        BigDecimal v = exactValue(n);
        if (v == null) {
            error(field, "must be a finite number");
            return null;
        }
        boolean belowMin = minExclusive ? v.compareTo(min) <= 0 : v.compareTo(min) < 0;
        if (belowMin || (max != null && v.compareTo(max) > 0)) {
            String lower = minExclusive ? "greater than " + min.toPlainString() : "at least " + min.toPlainString();
            error(field, "must be " + lower + (max == null ? "" : " and at most " + max.toPlainString()));
            return null;
        }
        if (v.abs().compareTo(LARGEST_FINITE) > 0) {
            // A field the contract leaves open above: beyond a double, which is how most EHRs read a
            // JSON number, 1e400 would become infinity there.
            error(field, "must be a finite number");
            return null;
        }
        if (v.signum() != 0 && v.stripTrailingZeros().scale() > MAX_DECIMAL_PLACES) {
            // 1e-400 is "greater than 0" but no measurement: and written out it is 400 digits long.
            error(field, "must have at most " + MAX_DECIMAL_PLACES + " decimal places");
            return null;
        }
        out.put(field, v);
        return v;
    }

    LocalDate date(String field, boolean required) {
        JsonNode n = present(field, required);
        if (n == null) {
            return null;
        }
        try {
            if (!n.isTextual() || !n.asText().matches("\\d{4}-\\d{2}-\\d{2}")) {
                throw new DateTimeException("format");
            }
            LocalDate d = LocalDate.parse(n.asText());
            out.put(field, d.toString());
            return d;
        } catch (DateTimeException e) {
            error(field, "must be a date YYYY-MM-DD");
            return null;
        }
    }

    /**
     * An ISO 8601 date-time; one without offset is read in the clinic's zone (in a DST gap it
     * moves forward, in an overlap it takes the earlier offset, as java.time does). Refused when
     * more than 5 minutes in the future.
     */
    OffsetDateTime dateTime(String field, boolean required) {
        JsonNode n = present(field, required);
        if (n == null) {
            return null;
        }
        OffsetDateTime t = n.isTextual() ? DateTimes.parse(n.asText(), zone) : null;
        if (t == null) {
            error(field, "must be an ISO 8601 date-time, e.g. 2026-11-03T09:30:00-07:00");
            return null;
        }
        if (t.toInstant().isAfter(now.plusSeconds(FUTURE_TOLERANCE_SECONDS))) {
            error(field, "is more than 5 minutes in the future");
            return null;
        }
        // Always with seconds (OffsetDateTime.toString drops ":00"), as FHIR dateTime requires.
        out.put(field, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t));
        return t;
    }

    JsonNode raw(String field) {
        return source.get(field);
    }
}
