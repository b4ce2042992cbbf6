package org.ketabridge.db;

/** One stored version of a record. */
public record StoredVersion(
        long id,
        String clinicId,
        String kind,
        String recordId,
        int version,
        String patientMrn,
        String encounterId,
        String content,
        String contentHash,
        String receiptId,
        String warnings,
        java.time.OffsetDateTime receivedAt) {
}
