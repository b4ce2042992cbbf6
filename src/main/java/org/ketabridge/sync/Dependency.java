package org.ketabridge.sync;

import org.ketabridge.record.RecordKind;

/**
 * What a task must wait for: another record (its patient, its encounter, a baseline score) to
 * reach the EHR, or a resource several records share (the clinic's Organization, a series'
 * EpisodeOfCare, by resource type and identifier value) to be free: written by no other task now,
 * and with no alarm on it. The queue stores it by kind and id ({@code SyncQueue.markWaiting}).
 */
public record Dependency(String kind, String recordId, boolean shared) {

    public Dependency(RecordKind kind, String recordId) {
        this(kind.name(), recordId, false);
    }

    public static Dependency sharedResource(String resourceType, String identifierValue) {
        return new Dependency(resourceType, identifierValue, true);
    }
}
