package org.ketabridge.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ketabridge.record.RecordKind;

/**
 * A record that passed every rule of the contract, in normalized form: times carry their offset
 * (the clinic's zone applied where the sender gave none), totals derived from items, unknown
 * fields dropped. Its content is what is stored, compared for resends, and mapped.
 */
public record ValidatedRecord(
        RecordKind kind,
        String recordId,
        String patientMrn,
        String encounterId,
        ObjectNode content) {
}
