package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

@Component
class DoseValidator implements RecordValidator {

    static final Set<String> MEDICATIONS = Set.of("ketamine", "esketamine");
    static final Set<String> ROUTES = Set.of("IV", "IM", "intranasal", "oral", "sublingual");
    static final Set<String> STATUSES = Set.of("completed", "in-progress", "stopped", "not-done");
    static final Set<String> STATUS_REASONS = Set.of("hypertension", "sedation", "adverse-event", "patient-request", "other");
    /** Spravato devices hold 28 mg each. */
    static final BigDecimal ESKETAMINE_DEVICE_MG = new BigDecimal(28);
    private static final BigDecimal TOLERANCE = new BigDecimal("0.02");
    private static final Duration LONGEST_DOSE = Duration.ofHours(12);

    @Override
    public RecordKind kind() {
        return RecordKind.DOSE;
    }

    @Override
    public ValidationResult validate(JsonNode record, Clinic clinic, Instant now) {
        RecordFields f = new RecordFields(record, clinic.zone(), now);
        String doseId = f.id("doseId", true);
        String encounterId = f.id("encounterId", true);
        String patientMrn = f.id("patientMrn", true);
        String medication = f.oneOf("medication", true, MEDICATIONS);
        String route = f.oneOf("route", true, ROUTES);
        String status = f.oneOf("status", true, STATUSES);
        boolean notDone = "not-done".equals(status);
        boolean stoppedOrNotDone = "stopped".equals(status) || notDone;
        f.oneOf("statusReason", stoppedOrNotDone, STATUS_REASONS);

        BigDecimal doseMg = f.number("doseMg", !notDone && status != null, BigDecimal.ZERO, true, new BigDecimal(1000));
        boolean injected = "IV".equals(route) || "IM".equals(route);
        BigDecimal weightKg = f.number("weightKg", injected, new BigDecimal(20), false, new BigDecimal(350));
        BigDecimal mgPerKg = f.number("doseMgPerKg", false, BigDecimal.ZERO, true, new BigDecimal(5));
        if (doseMg != null && weightKg != null && mgPerKg != null) {
            BigDecimal expected = mgPerKg.multiply(weightKg);
            BigDecimal deviation = doseMg.subtract(expected).abs().divide(expected, MathContext.DECIMAL64);
            if (deviation.compareTo(TOLERANCE) > 0) {
                f.error("doseMg", "must equal doseMgPerKg times weightKg within 2 %");
            }
        }
        if ("esketamine".equals(medication)) {
            if (route != null && !"intranasal".equals(route)) {
                f.error("route", "esketamine is given only intranasal");
            }
            if (doseMg != null && doseMg.remainder(ESKETAMINE_DEVICE_MG).signum() != 0) {
                f.error("doseMg", "esketamine comes in 28 mg devices: must be a multiple of 28");
            }
        }

        OffsetDateTime start = f.dateTime("start", true);
        boolean endRequired = "IV".equals(route) && ("completed".equals(status) || "stopped".equals(status));
        OffsetDateTime end = f.dateTime("end", endRequired);
        if (start != null && end != null) {
            if (!end.isAfter(start)) {
                f.error("end", "must be after start");
            } else if (Duration.between(start, end).compareTo(LONGEST_DOSE) > 0) {
                f.error("end", "must be at most 12 h after start");
            }
        }
        f.number("rateMgPerKgPerHour", false, BigDecimal.ZERO, true, null);
        f.string("lotNumber", !notDone && status != null, 40);
        BigDecimal wastedMg = f.number("wastedMg", false, BigDecimal.ZERO, false, null);
        f.npi("wasteWitnessNpi", wastedMg != null && wastedMg.signum() > 0);
        f.npi("administeredByNpi", false);
        return RecordValidator.result(kind(), f, doseId, patientMrn, encounterId);
    }
}
