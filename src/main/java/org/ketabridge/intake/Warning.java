package org.ketabridge.intake;

/** A plausibility finding that does not reject the record: the field it concerns, and what to look at. */
public record Warning(String field, String message) {
}
