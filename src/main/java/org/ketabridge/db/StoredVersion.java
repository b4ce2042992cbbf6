package org.ketabridge.db;

import java.time.OffsetDateTime;

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
        OffsetDateTime receivedAt) {
}
