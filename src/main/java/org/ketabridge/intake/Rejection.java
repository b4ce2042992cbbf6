package org.ketabridge.intake;

import java.util.List;

/** A refused record: its line, its id when one could be read, and every error found in it. */
public record Rejection(int line, String recordId, List<FieldError> errors) {
}
