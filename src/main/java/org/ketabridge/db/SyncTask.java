package org.ketabridge.db;

/** A due piece of work towards an EHR: send this version of this record. */
public record SyncTask(
        long id,
        long recordVersionId,
        String clinicId,
        String kind,
        String recordId,
        int attempts) {
}
