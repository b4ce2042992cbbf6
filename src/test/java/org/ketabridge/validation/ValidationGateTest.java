package org.ketabridge.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Encounter;
import org.junit.jupiter.api.Test;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.support.GoldenCases;

/**
 * The gate's bookkeeping: a shape is admitted after N passes of different records, never after
 * an error, and the gate remembers a bounded number of shapes.
 */
class ValidationGateTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ShapeKey KEYS = new ShapeKey(FHIR, GoldenCases.TERMS);
    private static final ProfileSelfCheck SELF_CHECK = new ProfileSelfCheck(new ResourceValidator(FHIR, GoldenCases.TERMS), FHIR);

    static ValidationGate gate(int admitAfter, int maxShapes) {
        return new ValidationGate(true, admitAfter, maxShapes, KEYS, new FastCheck(FhirContext.forR4Cached()), SELF_CHECK, FHIR);
    }

    /** The golden encounter with its start moved by some minutes: same shape, other content. */
    static MappedRecord encounter(int minutes) throws Exception {
        MappedRecord record = GateInputs.copy(GoldenCases.map("encounter-iv-infusion-with-vitals"));
        record.resources().stream().map(r -> r.resource()).filter(Encounter.class::isInstance).map(Encounter.class::cast)
                .forEach(e -> e.getPeriod().getStartElement().setValueAsString("2026-10-05T08:" + String.format("%02d", minutes) + ":00-06:00"));
        return record;
    }

    private static void pass(ValidationGate gate, MappedRecord record) {
        ValidationGate.Decision d = gate.decide(record);
        gate.validated(d, record);
    }

    @Test
    void aShapeIsAdmittedAfterNDistinctPasses() throws Exception {
        ValidationGate gate = gate(3, 100);
        for (int i = 0; i < 5; i++) {
            pass(gate, encounter(0)); // the same content again and again counts once
        }
        assertThat(gate.decide(encounter(1)).passes()).isFalse();
        pass(gate, encounter(1));
        assertThat(gate.decide(encounter(2)).passes()).isFalse();
        pass(gate, encounter(2));
        assertThat(gate.decide(encounter(3)).passes()).isTrue();
        assertThat(gate.status()).containsEntry("shapesAdmitted", 1L).containsEntry("passedOnAdmittedShape", 1L);
    }

    @Test
    void aShapeWithAnErrorIsNeverAdmitted() throws Exception {
        ValidationGate gate = gate(2, 100);
        pass(gate, encounter(0));
        gate.rejected(gate.decide(encounter(1)));
        for (int i = 2; i < 10; i++) {
            pass(gate, encounter(i));
        }
        assertThat(gate.decide(encounter(11)).passes()).isFalse();
        assertThat(gate.status()).containsEntry("shapesFailed", 1L).containsEntry("shapesAdmitted", 0L);
    }

    @Test
    void aFullGateTracksNoNewShapes() throws Exception {
        ValidationGate gate = gate(1, 1);
        pass(gate, GateInputs.copy(GoldenCases.map("score-phq9-with-items")));
        pass(gate, encounter(0));
        assertThat(gate.decide(encounter(1)).passes()).as("a shape met when full").isFalse();
        assertThat(gate.decide(GateInputs.copy(GoldenCases.map("score-phq9-with-items"))).passes()).isTrue();
        assertThat(gate.status()).containsEntry("shapesKnown", 1);
    }

    @Test
    void aReferenceWithOnlyAnExtensionIsLeftToTheValidator() throws Exception {
        ValidationGate gate = gate(1, 100);
        pass(gate, encounter(0));
        assertThat(gate.decide(encounter(1)).passes()).isTrue();
        MappedRecord odd = encounter(2);
        odd.resources().stream().map(r -> r.resource()).filter(Encounter.class::isInstance).map(Encounter.class::cast)
                .forEach(e -> {
                    e.getSubject().setReference(null);
                    e.getSubject().getReferenceElement_().addExtension("http://example.org/absent", new org.hl7.fhir.r4.model.CodeType("x"));
                });
        assertThat(gate.decide(odd).passes()).as("no value to check: the full validator decides").isFalse();
    }

    @Test
    void aDisabledGateLetsNothingPass() throws Exception {
        ValidationGate gate = new ValidationGate(false, 1, 100, KEYS, new FastCheck(FhirContext.forR4Cached()), SELF_CHECK, FHIR);
        pass(gate, encounter(0));
        assertThat(gate.decide(encounter(1)).passes()).isFalse();
    }
}
