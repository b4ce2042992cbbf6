package org.ketabridge.db;

/**
 * How {@code sync_task.waiting_for} names what a task waits for, in one place for the Java that
 * writes it and the SQL that takes it apart: {@code KIND:recordId} for another record
 * ({@code PATIENT:MRN1}), {@code ResourceType:identifierValue} for a shared resource
 * ({@code EpisodeOfCare:S-1}). Neither part before the colon ever holds one (record kinds and
 * resource types are plain words). The receipt status shows the value as it is.
 */
final class WaitingFor {

    /** The kind (or resource type) part of the row's {@code waiting_for}, for a statement on {@code sync_task}. */
    static final String KIND_SQL = "substring(sync_task.waiting_for from 1 for position(':' in sync_task.waiting_for) - 1)";

    /** The record id (or identifier value) part of the row's {@code waiting_for}, likewise. */
    static final String ID_SQL = "substring(sync_task.waiting_for from position(':' in sync_task.waiting_for) + 1)";

    private WaitingFor() {
    }

    static String key(String kind, String id) {
        return kind + ":" + id;
    }
}
