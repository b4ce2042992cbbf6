package org.ketabridge.channel.hl7;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.ketabridge.intake.InboundLine;
import org.ketabridge.record.RecordIds;

/**
 * Writes one record's contract fields as JSON, remembering where each came from. A value is
 * written as the sender gave it (a number that is not one becomes a string), so the contract's
 * validators refuse it exactly as they would over HTTP; only what JSON could not carry (an HL7
 * time, a table code with no contract word) is refused here, with its location.
 */
final class Hl7RecordBuilder {

    private final ObjectNode json = JsonNodeFactory.instance.objectNode();
    private final Map<String, Hl7Location> sources = new LinkedHashMap<>();
    private final List<Hl7FieldError> errors = new ArrayList<>();
    private final Hl7Location anchor;

    Hl7RecordBuilder(Hl7Location anchor) {
        this.anchor = anchor;
    }

    ObjectNode json() {
        return json;
    }

    /** Where a field comes from, written or not (a required field that is missing is reported there). */
    void source(String field, Hl7Location at) {
        sources.put(field, at);
    }

    void text(String field, Hl7Location at, String value) {
        source(field, at);
        if (value != null) {
            json.put(field, value);
        }
    }

    void number(String field, Hl7Location at, String value) {
        source(field, at);
        if (value != null) {
            BigDecimal number = decimal(value);
            if (number != null) {
                json.put(field, number);
            } else {
                json.put(field, value);
            }
        }
    }

    void dateTime(String field, Hl7Location at, String value) {
        converted(field, at, value, Hl7Times::dateTime, Hl7Times.DATE_TIME_FORM);
    }

    void date(String field, Hl7Location at, String value) {
        converted(field, at, value, Hl7Times::date, Hl7Times.DATE_FORM);
    }

    /** An HL7 time as the contract's ISO text; one that cannot be converted is refused here, naming the form expected. */
    private void converted(String field, Hl7Location at, String value, UnaryOperator<String> convert, String form) {
        source(field, at);
        if (value != null) {
            String iso = convert.apply(value);
            if (iso == null) {
                error(field, at, Hl7FieldError.DATA_TYPE_ERROR, form);
            } else {
                json.put(field, iso);
            }
        }
    }

    void error(String field, Hl7Location at, int code, String reason) {
        source(field, at);
        errors.add(new Hl7FieldError(field, at, code, reason));
    }

    /** The record, as line {@code line} of the message; unreadable (refused with these errors) when any was found. */
    Hl7Record build(int line, String idField) {
        String id = json.path(idField).isTextual() && RecordIds.isValid(json.get(idField).asText()) ? json.get(idField).asText() : null;
        InboundLine inbound = errors.isEmpty() ? InboundLine.of(line, json)
                : InboundLine.unreadable(line, String.join("; ", errors.stream()
                        .map(e -> e.field() + " (" + e.location() + "): " + e.reason()).toList()));
        return new Hl7Record(inbound, id, anchor, Map.copyOf(sources), List.copyOf(errors));
    }

    /** An HL7 NM: digits with an optional sign and decimal point (no exponent). */
    static BigDecimal decimal(String value) {
        return value.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)") ? new BigDecimal(value) : null;
    }
}
