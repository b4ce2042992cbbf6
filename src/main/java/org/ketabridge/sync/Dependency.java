package org.ketabridge.sync;

import org.ketabridge.intake.RecordKind;

/** A record another one refers to and must wait for: its patient, or its encounter. */
public record Dependency(RecordKind kind, String recordId) {

    /** How the queue names it in {@code sync_task.waiting_for}: {@code PATIENT:MRN1}. */
    public String key() {
        return kind.name() + ":" + recordId;
    }
}
