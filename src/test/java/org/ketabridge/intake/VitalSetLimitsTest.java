package org.ketabridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;
import org.ketabridge.support.TestClinics;

/**
 * The bound on vital sets sits exactly where ARCHITECTURE.md puts it (one a minute over the
 * widest period vitals may lie in: 24 h + 2 h each side) and two sets never share a second.
 * BadInputTest refuses over HTTP; here, without the bridge, the largest session that is allowed.
 */
class VitalSetLimitsTest {

    private static final Clinic CLINIC = TestClinics.clinic("limits", "UTC");
    private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
    private static final OffsetDateTime START = OffsetDateTime.parse("2026-10-05T09:00:00Z");

    /** An encounter still in progress (no end: vitals may lie from start - 2 h to start + 26 h), one set a minute from the earliest. */
    private static ObjectNode encounterWithSets(int sets) {
        ObjectNode e = JsonNodeFactory.instance.objectNode()
                .put("encounterId", "E-1").put("patientMrn", "M-1").put("status", "in-progress")
                .put("start", START.toString()).put("modality", "iv-infusion");
        ArrayNode vitals = e.putArray("vitals");
        for (int i = 0; i < sets; i++) {
            vitals.addObject().put("at", START.minusHours(2).plusMinutes(i).toString()).put("heartRate", 70);
        }
        return e;
    }

    @Test
    void aSessionWithOneVitalSetAMinuteOverItsWholePeriodIsAccepted() {
        ValidationResult result = RecordValidators.standard().validate(RecordKind.ENCOUNTER, encounterWithSets(1680), CLINIC, NOW);
        assertThat(result.errors()).isEmpty();
    }

    @Test
    void oneSetMoreIsRefusedByItsCountAlone() {
        ValidationResult result = RecordValidators.standard().validate(RecordKind.ENCOUNTER, encounterWithSets(1681), CLINIC, NOW);
        assertThat(result.errors()).extracting(FieldError::field).containsExactly("vitals");
        assertThat(result.errors().get(0).reason()).contains("at most 1680");
    }

    @Test
    void everySetInAnotherSetsSecondIsNamedWithTheFirst() {
        ObjectNode e = encounterWithSets(3);
        ((ObjectNode) e.get("vitals").get(1)).put("at", "2026-10-05T09:00:00+02:00"); // = vitals[0], 07:00Z
        ((ObjectNode) e.get("vitals").get(2)).put("at", "2026-10-05T07:00:00.999Z");   // same second
        ValidationResult result = RecordValidators.standard().validate(RecordKind.ENCOUNTER, e, CLINIC, NOW);
        assertThat(result.errors()).extracting(FieldError::field).containsExactly("vitals[1].at", "vitals[2].at");
        assertThat(result.errors()).allSatisfy(error -> assertThat(error.reason()).contains("as vitals[0].at"));
    }
}
