package org.ketabridge.intake;

import java.util.List;

/** Either a record ready to store, or every error found in it; never both. */
public record ValidationResult(ValidatedRecord record, String recordId, List<FieldError> errors) {

    public static ValidationResult valid(ValidatedRecord record) {
        return new ValidationResult(record, record.recordId(), List.of());
    }

    public static ValidationResult invalid(String recordId, List<FieldError> errors) {
        return new ValidationResult(null, recordId, List.copyOf(errors));
    }

    public boolean isValid() {
        return errors.isEmpty();
    }
}
