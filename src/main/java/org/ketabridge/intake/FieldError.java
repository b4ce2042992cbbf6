package org.ketabridge.intake;

/** One reason a record was refused: the field at fault (a JSON path such as {@code vitals[1].diastolic}) and why. */
public record FieldError(String field, String reason) {
}
