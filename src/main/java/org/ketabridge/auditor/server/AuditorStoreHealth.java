package org.ketabridge.auditor.server;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The auditors' store in /actuator/health (as {@code auditorStore}): a store that cannot start is
 * never silently broken. UP once it runs (or when it is disabled), UNKNOWN while it starts the
 * first time (the bridge accepts records meanwhile, so it is not DOWN), DOWN with why once an
 * attempt has failed, while {@link StoreLifecycle} tries again.
 */
@Component("auditorStoreHealthIndicator")
class AuditorStoreHealth implements HealthIndicator {

    private final StoreLifecycle lifecycle;

    AuditorStoreHealth(StoreLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public Health health() {
        if (!lifecycle.isEnabled()) {
            return Health.up().withDetail("auditorStore", "disabled").build();
        }
        if (lifecycle.running().isPresent()) {
            return Health.up().build();
        }
        String failure = lifecycle.failure();
        if (failure != null) {
            // It tried and could not: nothing reaches the auditors until this is fixed.
            return Health.down().withDetail("error", failure).withDetail("failedAttempts", lifecycle.failedAttempts())
                    .withDetail("auditorStore", "retrying").build();
        }
        // UNKNOWN while starting the first time: the bridge accepts records meanwhile, so it is not DOWN.
        return Health.unknown().withDetail("auditorStore", "starting").build();
    }
}
