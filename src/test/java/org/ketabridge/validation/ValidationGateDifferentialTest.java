package org.ketabridge.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The gate's guarantee, checked against HAPI's validator itself ({@link GateDifferential}): every
 * record the gate lets through is one the full validator passes; records of one key that
 * FastCheck calls VALID get one verdict; every structural mutation changes the key. A few
 * thousand seeded cases here; {@code GateDifferentialRun} runs 100,000 and more.
 */
class ValidationGateDifferentialTest {

    private static final int GENERATED_PER_CASE = 25;
    private static final int MUTATE_EVERY = 25;

    @Test
    void everyRecordTheGatePassesTheFullValidatorPassesAndOneShapeGetsOneVerdict() throws Exception {
        GateDifferential.Result result = new GateDifferential().run(16, GENERATED_PER_CASE, MUTATE_EVERY);
        System.out.println("validation gate differential: " + result);
        assertThat(result.disagreements()).isEmpty();
        assertThat(result.metamorphic()).isEmpty();
        assertThat(result.unchangedKeys()).isEmpty();
        assertThat(result.passedByGate()).as("the gate let records through (else this proves nothing)").isGreaterThan(500);
    }
}
