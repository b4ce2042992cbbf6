package org.ketabridge.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.ketabridge.record.RecordReferences.Ref;

/** What each kind of record refers to: the rule both the EHR path and the auditors' store path follow. */
class RecordReferencesTest {

    @Test
    void aPatientRefersToNothing() {
        assertThat(RecordReferences.of(RecordKind.PATIENT, "MRN-1", "MRN-1", null, null).all()).isEmpty();
    }

    @Test
    void anEncounterRefersToItsPatientOnlyNotToItself() {
        assertThat(RecordReferences.of(RecordKind.ENCOUNTER, "E-1", "MRN-1", "E-1", null).all())
                .containsExactly(new Ref(RecordKind.PATIENT, "MRN-1"));
    }

    @Test
    void aDoseRefersToItsPatientThenItsEncounter() {
        assertThat(RecordReferences.of(RecordKind.DOSE, "D-1", "MRN-1", "E-1", null).all())
                .containsExactly(new Ref(RecordKind.PATIENT, "MRN-1"), new Ref(RecordKind.ENCOUNTER, "E-1"));
    }

    @Test
    void aScoreRefersToItsBaselineUnlessItIsTheBaseline() {
        assertThat(RecordReferences.of(RecordKind.SCORE, "S-2", "MRN-1", null, "S-1").all())
                .containsExactly(new Ref(RecordKind.PATIENT, "MRN-1"), new Ref(RecordKind.SCORE, "S-1"));
        RecordReferences baseline = RecordReferences.of(RecordKind.SCORE, "S-1", "MRN-1", "E-1", "S-1");
        assertThat(baseline.baselineScore()).isNull();
        assertThat(baseline.all()).containsExactly(new Ref(RecordKind.PATIENT, "MRN-1"), new Ref(RecordKind.ENCOUNTER, "E-1"));
    }
}
