package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.Set;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

@Component
class ScoreValidator implements RecordValidator {

    static final Set<String> TIMINGS = Set.of("baseline", "pre-session", "post-session", "follow-up");

    @Override
    public RecordKind kind() {
        return RecordKind.SCORE;
    }

    @Override
    public ValidationResult validate(JsonNode record, Clinic clinic, Instant now) {
        RecordFields f = new RecordFields(record, clinic.zone(), now);
        String scoreId = f.id("scoreId", true);
        String patientMrn = f.id("patientMrn", true);
        String encounterId = f.id("encounterId", false);
        String code = f.oneOf("instrument", true, ScoreInstrument.codes());
        ScoreInstrument instrument = code == null ? null : ScoreInstrument.fromCode(code).orElseThrow();
        f.dateTime("effective", true);
        f.oneOf("timing", false, TIMINGS);

        boolean hasItems = f.isPresent("items");
        Integer total = instrument == null
                ? f.integer("total", !hasItems, Integer.MIN_VALUE, Integer.MAX_VALUE)
                : f.integer("total", !hasItems, 0, instrument.maxTotal());
        if (hasItems && instrument != null) {
            Integer itemSum = checkItems(f, instrument);
            if (itemSum != null) {
                if (total != null && !total.equals(itemSum)) {
                    f.error("total", "must equal the sum of items (" + itemSum + ")");
                } else if (total == null && !f.isPresent("total")) {
                    // Items alone: the total is theirs, stored so that every consumer sees one number.
                    f.normalized().put("total", itemSum);
                }
            }
        }
        return RecordValidator.result(kind(), f, scoreId, patientMrn, encounterId);
    }

    /** Checks count and range of each item; returns their sum, or null when any is wrong. */
    private Integer checkItems(RecordFields f, ScoreInstrument instrument) {
        JsonNode items = f.raw("items");
        if (!instrument.takesItems()) {
            f.error("items", instrument.code() + " has no items: send total only");
            return null;
        }
        if (!items.isArray()) {
            f.error("items", "must be a list of integers");
            return null;
        }
        if (items.size() != instrument.itemCount()) {
            f.error("items", instrument.code() + " has " + instrument.itemCount() + " items, got " + items.size());
            return null;
        }
        int sum = 0;
        boolean allValid = true;
        ArrayNode normalized = f.normalized().putArray("items");
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            // Read exactly, as every integer of the contract: asInt() made 4294967296 a 0.
            String wrong = item.isNumber() ? RecordFields.integerProblem(item, 0, instrument.maxItem())
                    : "must be an integer from 0 to " + instrument.maxItem();
            if (wrong != null) {
                f.error("items[" + i + "]", wrong);
                allValid = false;
            } else {
                int value = item.decimalValue().intValueExact();
                sum += value;
                normalized.add(value);
            }
        }
        return allValid ? sum : null;
    }
}
