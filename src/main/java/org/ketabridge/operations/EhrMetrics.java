package org.ketabridge.operations;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.sync.CredentialHolds;
import org.springframework.stereotype.Component;

/**
 * Each clinic's EHR connection as meters (issue 17): its circuit breaker's state
 * ({@code ketabridge_ehr_circuit_state{clinic,state}}, 1 for the state it is in, 0 for the others),
 * whether its sync is held for failing credentials, and how many writes met them. Read from memory
 * at each scrape; the request times are {@code ehr.EhrRequestMetrics}'.
 */
@Component
public class EhrMetrics {

    static final List<String> CIRCUIT_STATES = List.of("closed", "open", "half_open");

    public EhrMetrics(ClinicRegistry clinics, EhrStates states, CredentialHolds credentials, MeterRegistry registry) {
        for (Clinic clinic : clinics.all()) {
            if (!clinic.syncsToEhr()) {
                continue;
            }
            String id = clinic.id();
            for (String state : CIRCUIT_STATES) {
                Gauge.builder("ketabridge.ehr.circuit.state", () -> inState(states, id, state))
                        .description("The clinic's EHR circuit breaker: 1 for its state (open: nothing is sent), 0 for the others")
                        .tags("clinic", id, "state", state).register(registry);
            }
            Gauge.builder("ketabridge.ehr.credentials.held", () -> credentials.isHeld(id) ? 1 : 0)
                    .description("1 while the EHR refuses the bridge's credentials or no access token can be had (the clinic's sync is held)")
                    .tag("clinic", id).register(registry);
            FunctionCounter.builder("ketabridge.ehr.credential.failures", credentials, c -> c.failures(id))
                    .description("Writes to the EHR that met refused credentials (401, 403) or got no access token")
                    .tag("clinic", id).register(registry);
        }
    }

    private static int inState(EhrStates states, String clinicId, String state) {
        // Forced open counts as open: nothing is sent either way. Before the route starts: closed.
        String current = states.circuitState(clinicId).orElse("CLOSED").toLowerCase(Locale.ROOT).replace("forced_open", "open");
        return current.equals(state) ? 1 : 0;
    }
}
