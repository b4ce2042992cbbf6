package org.ketabridge.validation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Validation as meters (issue 17): each full validation of a record version's FHIR, timed, by
 * outcome ({@code ketabridge_validation_seconds{outcome="valid|invalid"}}), and the versions the
 * gate let through without one ({@code ketabridge_validation_gate_passes_total}).
 */
@Component
public class ValidationMeters {

    private final Timer valid;
    private final Timer invalid;
    private final Counter gatePasses;

    public ValidationMeters(MeterRegistry registry) {
        this.valid = timer(registry, "valid");
        this.invalid = timer(registry, "invalid");
        this.gatePasses = Counter.builder("ketabridge.validation.gate.passes")
                .description("Record versions the validation gate passed without a full validation")
                .register(registry);
    }

    /** Counted nowhere the bridge reads: for a {@link VersionValidation} built outside Spring. */
    static ValidationMeters none() {
        return new ValidationMeters(new SimpleMeterRegistry());
    }

    void fullValidation(Duration took, boolean passed) {
        (passed ? valid : invalid).record(took);
    }

    void gatePassed() {
        gatePasses.increment();
    }

    private static Timer timer(MeterRegistry registry, String outcome) {
        return Timer.builder("ketabridge.validation")
                .description("Full validations of a record version's FHIR resources (HAPI's validator), by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }
}
