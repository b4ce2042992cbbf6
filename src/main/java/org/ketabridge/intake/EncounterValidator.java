package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

@Component
class EncounterValidator implements RecordValidator {

    static final Set<String> STATUSES = Set.of("planned", "arrived", "in-progress", "finished", "cancelled");
    static final Set<String> MODALITIES = Set.of("iv-infusion", "intranasal", "intramuscular");
    static final Set<String> INDICATIONS = Set.of("TRD", "MDD", "PTSD", "GAD", "OCD", "chronic-pain", "CRPS", "SUD", "other");
    /** Contract 1.1, in the order they are stored (and asked on the Spravato REMS monitoring form). */
    static final List<String> CONCOMITANT_MEDICATIONS = List.of("benzodiazepine", "sedative-hypnotic", "psychostimulant", "maoi");
    static final List<String> ADVERSE_EVENTS = List.of("sedation", "dissociation", "respiratory-depression",
            "blood-pressure-increase", "other");
    private static final Duration LONGEST_SESSION = Duration.ofHours(24);
    private static final Duration VITALS_MARGIN = Duration.ofHours(2);
    /**
     * The most vital sets one encounter may carry: one a minute over the widest period they may lie
     * in (the longest session, 24 h, widened by 2 h on each side: 28 h). Charting is far sparser;
     * each set becomes up to five Observations in one write, so the bound also bounds that write.
     */
    static final int MAX_VITAL_SETS = 28 * 60;

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
        f.codeList("concomitantMedications", CONCOMITANT_MEDICATIONS);
        f.integer("readyToLeaveMinutes", false, 0, 600);
        f.codeList("adverseEvents", ADVERSE_EVENTS);
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
        if (vitals.size() > MAX_VITAL_SETS) {
            // Checked before any set is read: the count alone decides, whatever the sets hold.
            f.error("vitals", "must have at most " + MAX_VITAL_SETS
                    + " vital sets (one a minute over the longest session, 24 h, and 2 h on each side)");
            return;
        }
        ArrayNode normalized = f.normalized().putArray("vitals");
        Map<Long, Integer> setAtSecond = new HashMap<>();
        for (int i = 0; i < vitals.size(); i++) {
            ObjectNode set = normalized.addObject();
            RecordFields fields = f.nested(vitals.get(i), "vitals[" + i + "]", set);
            OffsetDateTime at = vitalSets.check(fields, vitals.get(i), from, to);
            if (at != null) {
                // The vital identifier names encounter, time to the second (UTC) and measure: two sets in
                // one second would write the same identifier twice, which no EHR can store.
                Integer earlier = setAtSecond.putIfAbsent(at.toEpochSecond(), i);
                if (earlier != null) {
                    fields.error("at", "is the same time (to the second) as vitals[" + earlier
                            + "].at: send the measures taken at one time as one vital set");
                }
            }
        }
    }
}
