package org.ketabridge.operations;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * {@code ehrs} in /actuator/health (issue 17): one entry per clinic that syncs to an EHR, UP, or
 * DEGRADED with its state ({@link EhrStates}: credentials failing, circuit open, unreachable).
 * DEGRADED, never DOWN: one clinic's EHR holds only that clinic's sync, so the bridge must not
 * answer 503 for it (application.yaml, management.endpoint.health.status).
 */
@Component("ehrsHealthContributor")
public class EhrsHealth implements CompositeHealthContributor {

    static final Status DEGRADED = new Status("DEGRADED");

    private final Map<String, HealthIndicator> byClinic = new LinkedHashMap<>();

    public EhrsHealth(ClinicRegistry clinics, EhrStates states) {
        for (Clinic clinic : clinics.all()) {
            if (clinic.syncsToEhr()) {
                String id = clinic.id();
                byClinic.put(id, () -> (states.of(id) == EhrStates.State.UP ? Health.up() : Health.status(DEGRADED))
                        .withDetails(states.details(id)).build());
            }
        }
    }

    @Override
    public HealthContributor getContributor(String name) {
        return byClinic.get(name);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return byClinic.entrySet().stream()
                .map(e -> NamedContributor.<HealthContributor>of(e.getKey(), e.getValue()))
                .iterator();
    }
}
