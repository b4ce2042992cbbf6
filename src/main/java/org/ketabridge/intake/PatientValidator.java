package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

@Component
class PatientValidator implements RecordValidator {

    private static final Set<String> SEXES = Set.of("female", "male", "other", "unknown");
    private static final LocalDate EARLIEST_BIRTH = LocalDate.of(1900, 1, 1);

    @Override
    public RecordKind kind() {
        return RecordKind.PATIENT;
    }

    @Override
    public ValidationResult validate(JsonNode record, Clinic clinic, Instant now) {
        RecordFields f = new RecordFields(record, clinic.zone(), now);
        String mrn = f.id("mrn", true);
        f.string("familyName", true, 100);
        f.string("givenName", false, 100);
        LocalDate birthDate = f.date("birthDate", true);
        if (birthDate != null) {
            if (birthDate.isAfter(LocalDate.ofInstant(now, clinic.zone()))) {
                f.error("birthDate", "is in the future");
            } else if (birthDate.isBefore(EARLIEST_BIRTH)) {
                f.error("birthDate", "is before 1900");
            }
        }
        f.oneOf("sex", false, SEXES);
        return RecordValidator.result(kind(), f, mrn, mrn, null);
    }
}
