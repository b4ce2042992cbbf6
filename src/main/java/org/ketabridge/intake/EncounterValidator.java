package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;
import org.ketabridge.config.Clinic;
import org.springframework.stereotype.Component;

@Component
class EncounterValidator implements RecordValidator {

    static final Set<String> STATUSES = Set.of("planned", "arrived", "in-progress", "finished", "cancelled");
    static final Set<String> MODALITIES = Set.of("iv-infusion", "intranasal", "intramuscular");
    static final Set<String> INDICATIONS = Set.of("TRD", "MDD", "PTSD", "GAD", "OCD", "chronic-pain", "CRPS", "SUD", "other");
    private static final Duration LONGEST_SESSION = Duration.ofHours(24);
    private static final Duration VITALS_MARGIN = Duration.ofHours(2);

    private final VitalSetValidator vitalSets = new VitalSetValidator();

    @Override
    public RecordKind kind() {
        return RecordKind.ENCOUNTER;
    }

    @Override
    public ValidationResult validate(JsonNode record, Clinic clinic, Instant now) {
        RecordFields f = new RecordFields(record, clinic.zone(), now);
        String encounterId = f.id("encounterId", true);
        String patientMrn = f.id("patientMrn", true);
        String status = f.oneOf("status", true, STATUSES);
        OffsetDateTime start = f.dateTime("start", true);
        OffsetDateTime end = f.dateTime("end", "finished".equals(status));
        if (start != null && end != null) {
            if (!end.isAfter(start)) {
                f.error("end", "must be after start");
            } else if (Duration.between(start, end).compareTo(LONGEST_SESSION) > 0) {
                f.error("end", "must be at most 24 h after start");
            }
        }
        f.oneOf("modality", true, MODALITIES);
        f.oneOf("indication", false, INDICATIONS);
        f.integer("sessionNumber", false, 1, 100);
        f.id("seriesId", false);
        f.npi("practitionerNpi", false);
        f.string("location", false, 100);
        f.integer("monitoringMinutes", false, 0, 600);
        checkVitals(f, start, end);
        return RecordValidator.result(kind(), f, encounterId, patientMrn, encounterId);
    }

    private void checkVitals(RecordFields f, OffsetDateTime start, OffsetDateTime end) {
        JsonNode vitals = f.raw("vitals");
        if (vitals == null || vitals.isNull()) {
            return;
        }
        if (!vitals.isArray()) {
            f.error("vitals", "must be a list of vital sets");
            return;
        }
        // Vitals belong to the session: its period widened by 2 h each side (24 h when it has no end yet).
        Instant from = start == null ? null : start.toInstant().minus(VITALS_MARGIN);
        Instant to = start == null ? null
                : (end != null ? end.toInstant() : start.toInstant().plus(LONGEST_SESSION)).plus(VITALS_MARGIN);
        ArrayNode normalized = f.normalized().putArray("vitals");
        for (int i = 0; i < vitals.size(); i++) {
            ObjectNode set = normalized.addObject();
            vitalSets.check(f.nested(vitals.get(i), "vitals[" + i + "]", set), vitals.get(i), from, to);
        }
    }
}
