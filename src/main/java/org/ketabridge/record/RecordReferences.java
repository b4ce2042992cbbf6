package org.ketabridge.record;

import java.util.ArrayList;
import java.util.List;

/**
 * Which other records a record points at: its patient (by MRN), the encounter it belongs to, and
 * for a score whose outcome is measured against an earlier baseline, that baseline score. The one
 * rule for both paths that need it: the EHR path looks each one up in {@code ehr_link} (and waits
 * for what the EHR does not hold yet), the auditors' store path refers to each at the id its
 * identifier determines. Pure: from facts stored with the record version.
 */
public record RecordReferences(Ref patient, Ref encounter, Ref baselineScore) {

    /** One record referred to: its kind and the clinic's id for it. */
    public record Ref(RecordKind kind, String recordId) {
    }

    /** What a patient refers to: nothing. */
    public static final RecordReferences NONE = new RecordReferences(null, null, null);

    /**
     * @param patientMrn      the MRN stored with the record (its {@code patientMrn})
     * @param encounterId     the encounter id stored with the record (an encounter's own id for an
     *                        encounter, which refers to no encounter), or null
     * @param baselineScoreId for a score with an outcome, the score the outcome is measured
     *                        against (the score itself when it is the baseline); else null
     */
    public static RecordReferences of(RecordKind kind, String recordId, String patientMrn, String encounterId,
                                      String baselineScoreId) {
        if (kind == RecordKind.PATIENT) {
            return NONE;
        }
        Ref patient = new Ref(RecordKind.PATIENT, patientMrn);
        Ref encounter = kind != RecordKind.ENCOUNTER && encounterId != null ? new Ref(RecordKind.ENCOUNTER, encounterId) : null;
        Ref baseline = kind == RecordKind.SCORE && baselineScoreId != null && !baselineScoreId.equals(recordId)
                ? new Ref(RecordKind.SCORE, baselineScoreId) : null;
        return new RecordReferences(patient, encounter, baseline);
    }

    /** Every record referred to, in the order the EHR path waits for them: patient, encounter, baseline. */
    public List<Ref> all() {
        List<Ref> all = new ArrayList<>(3);
        for (Ref ref : new Ref[] {patient, encounter, baselineScore}) {
            if (ref != null) {
                all.add(ref);
            }
        }
        return all;
    }
}
