package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;

/** The contract's rules for one record kind, applied to one JSON object. */
interface RecordValidator {

    RecordKind kind();

    ValidationResult validate(JsonNode record, Clinic clinic, Instant now);

    static ValidationResult result(RecordKind kind, RecordFields f, String recordId, String patientMrn, String encounterId) {
        if (f.hasErrors()) {
            return ValidationResult.invalid(recordId, f.errors());
        }
        return ValidationResult.valid(new ValidatedRecord(kind, recordId, patientMrn, encounterId, f.normalized()));
    }
}
