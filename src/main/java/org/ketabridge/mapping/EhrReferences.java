package org.ketabridge.mapping;

/**
 * The resources a record refers to, as the EHR knows them ({@code Patient/123}); the encounter
 * is null when the record has none.
 */
public record EhrReferences(String patient, String encounter) {
}
