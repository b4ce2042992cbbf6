package org.ketabridge.mapping.v2;

import org.ketabridge.config.Clinic;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.record.RecordKind;

/**
 * What one HL7 v2 message is built from: the stored record version (its row id and how many
 * times its dead letter was replayed, which name the message, {@code versionRowId} and
 * {@code replays}; its version; its normalized content, for ids, values and times)
 * and the FHIR it was mapped to (for codes: LOINC, RxNorm, UCUM), so HL7 and FHIR share one
 * terminology.
 */
public record V2Input(Clinic clinic, RecordKind kind, long versionRowId, int replays, String recordId, int version, String content,
                      MappedRecord mapped) {
}
