package org.ketabridge.validation;

import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * The FHIR validator's definitions load once the bridge accepts records (not during start-up,
 * where they competed with it for the cores), and its health says when they are there:
 * UNKNOWN while loading (records are accepted meanwhile; syncing waits), UP, or DOWN if the
 * loading failed. Its details count the validation gate's decisions ({@link ValidationGate#status()})
 * and carry the tripwire's sample and alarm ({@link Tripwire#status()}), under {@code gate}.
 */
@Component("fhirValidatorHealthIndicator")
public class ValidatorReadiness implements ApplicationListener<ApplicationReadyEvent>, HealthIndicator {

    private final ResourceValidator validator;
    private final ValidationGate gate;
    private final Tripwire tripwire;

    public ValidatorReadiness(ResourceValidator validator, ValidationGate gate, Tripwire tripwire) {
        this.validator = validator;
        this.gate = gate;
        this.tripwire = tripwire;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        validator.prepare();
    }

    @Override
    public Health health() {
        if (validator.hasFailed()) {
            return Health.down().withDetail("validator", "the FHIR definitions failed to load").build();
        }
        return (validator.isReady() ? Health.up() : Health.unknown().withDetail("validator", "loading"))
                .withDetail("gate", gateStatus()).build();
    }

    private Map<String, Object> gateStatus() {
        Map<String, Object> status = gate.status();
        status.put("tripwire", tripwire.status());
        return status;
    }
}
