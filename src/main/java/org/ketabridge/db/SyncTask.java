package org.ketabridge.db;

/**
 * A due piece of work towards an EHR: send this version of this record. {@code replays}: how many
 * times clinic IT replayed it as a dead letter (names a fresh HL7 v2 message; retries keep it).
 */
public record SyncTask(
        long id,
        long recordVersionId,
        String clinicId,
        String kind,
        String recordId,
        int attempts,
        int replays) {
}
