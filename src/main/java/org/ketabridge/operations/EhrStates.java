package org.ketabridge.operations;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.ketabridge.ehr.EhrRequestMetrics;
import org.ketabridge.sync.CircuitBreakers;
import org.ketabridge.sync.CredentialHolds;
import org.springframework.stereotype.Component;

/**
 * How the bridge stands with one clinic's EHR, in one word, for health ({@code ehrs}) and the
 * metrics: credentials failing (its sync is held), circuit open, unreachable (the last request got
 * no answer), or up. In that order: each one earlier explains the ones after it.
 */
@Component
public class EhrStates {

    public enum State {
        UP("up"), CREDENTIALS_FAILING("credentials-failing"), CIRCUIT_OPEN("circuit-open"), UNREACHABLE("unreachable");

        private final String word;

        State(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    private final CredentialHolds credentials;
    private final CircuitBreakers breakers;
    private final EhrRequestMetrics requests;

    public EhrStates(CredentialHolds credentials, CircuitBreakers breakers, EhrRequestMetrics requests) {
        this.credentials = credentials;
        this.breakers = breakers;
        this.requests = requests;
    }

    public State of(String clinicId) {
        if (credentials.isHeld(clinicId)) {
            return State.CREDENTIALS_FAILING;
        }
        if (circuitOpen(clinicId)) {
            return State.CIRCUIT_OPEN;
        }
        if (requests.lastAnswer(clinicId).filter(a -> !a.answered()).isPresent()) {
            return State.UNREACHABLE;
        }
        return State.UP;
    }

    /** Open, or forced open: nothing goes to the EHR (half-open lets one request through). */
    public boolean circuitOpen(String clinicId) {
        return breakers.state(clinicId).filter(s -> s.equals("OPEN") || s.equals("FORCED_OPEN")).isPresent();
    }

    public Optional<String> circuitState(String clinicId) {
        return breakers.state(clinicId);
    }

    /** What an admin sees of it: the state, the circuit breaker's, the last answer, the credential hold; never a secret. */
    public Map<String, Object> details(String clinicId) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", of(clinicId).word());
        breakers.state(clinicId).ifPresent(s -> details.put("circuitBreaker", s));
        requests.lastAnswer(clinicId).ifPresent(a -> {
            details.put("lastAnswer", a.statusClass());
            details.put("lastAnswerAt", a.at().toString());
        });
        credentials.of(clinicId).ifPresent(hold -> {
            details.put("credentialsFailingSince", hold.since().toString());
            if (hold.httpStatus() != 0) {
                details.put("httpStatus", hold.httpStatus());
            }
            if (hold.token() != null) {
                details.put("tokenError", hold.token().error());
            }
        });
        return details;
    }
}
