package org.ketabridge.alerts;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Since when each clinic's EHR circuit breaker has not been closed (open, forced open, or
 * half-open: the tries it lets through have not closed it), as seen at each evaluation. In memory:
 * a restarted bridge starts its breakers closed, and counts again from the first look that finds one open.
 */
@Component
public class CircuitWatch {

    private final Map<String, Instant> notClosedSince = new ConcurrentHashMap<>();

    /** {@code state}: the breaker's as resilience4j names it; empty when the clinic's route has none (yet). */
    public Instant notClosedSince(String clinicId, Optional<String> state, Instant now) {
        if (state.isEmpty() || state.get().equals("CLOSED") || state.get().equals("DISABLED")) {
            notClosedSince.remove(clinicId);
            return null;
        }
        return notClosedSince.computeIfAbsent(clinicId, c -> now);
    }
}
