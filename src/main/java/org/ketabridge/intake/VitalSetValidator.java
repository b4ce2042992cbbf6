package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The rules of one vital set inside an encounter (also used for a row of a vitals CSV). */
class VitalSetValidator {

    /** Checks one set; returns its time when that is valid (null otherwise). */
    OffsetDateTime check(RecordFields f, JsonNode set, Instant from, Instant to) {
        if (set == null || !set.isObject()) {
            f.error("", "must be an object (a vital set)");
            return null;
        }
        OffsetDateTime at = f.dateTime("at", true);
        if (at != null && from != null && (at.toInstant().isBefore(from) || at.toInstant().isAfter(to))) {
            f.error("at", "is outside the encounter's period widened by 2 h on each side");
        }
        Integer systolic = f.integer("systolic", false, 40, 300);
        Integer diastolic = f.integer("diastolic", false, 20, 200);
        if (f.isPresent("systolic") != f.isPresent("diastolic")) {
            f.error(f.isPresent("systolic") ? "diastolic" : "systolic", "systolic and diastolic come together");
        } else if (systolic != null && diastolic != null && diastolic >= systolic) {
            f.error("diastolic", "must be below systolic");
        }
        f.integer("heartRate", false, 20, 300);
        f.integer("respiratoryRate", false, 4, 80);
        f.number("spo2", false, new BigDecimal(50), false, new BigDecimal(100));
        f.integer("sedation", false, 0, 5);
        boolean anyMeasure = f.isPresent("systolic") || f.isPresent("diastolic") || f.isPresent("heartRate")
                || f.isPresent("respiratoryRate") || f.isPresent("spo2") || f.isPresent("sedation");
        if (!anyMeasure) {
            f.error("", "a vital set needs at least one measure");
        }
        return at;
    }
}
