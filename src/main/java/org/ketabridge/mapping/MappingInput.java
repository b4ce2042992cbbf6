package org.ketabridge.mapping;

import java.time.OffsetDateTime;
import org.ketabridge.config.Clinic;
import org.ketabridge.outcome.Outcome;
import org.ketabridge.record.RecordKind;

/**
 * Everything a record version becomes FHIR from: the stored content and where it came from, the
 * plausibility warnings found at intake (JSON list, or null), the resources it refers to as the
 * EHR knows them, and for a score its outcome (or null).
 */
public record MappingInput(
        Clinic clinic,
        RecordKind kind,
        String recordId,
        int version,
        String content,
        String warnings,
        String receiptId,
        OffsetDateTime receivedAt,
        TargetReferences references,
        Outcome outcome) {
}
