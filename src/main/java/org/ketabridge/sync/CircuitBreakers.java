package org.ketabridge.sync;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.springframework.stereotype.Component;

/**
 * The state of each clinic's circuit breaker ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, as
 * resilience4j names them), read from the clinic's sync route ({@link SyncRouteInstaller}); empty
 * for a clinic without one, or before its route has started.
 */
@Component
public class CircuitBreakers {

    private final CamelContext camel;
    private final ConcurrentMap<String, ResilienceProcessor> found = new ConcurrentHashMap<>();

    public CircuitBreakers(CamelContext camel) {
        this.camel = camel;
    }

    public Optional<String> state(String clinicId) {
        return breaker(clinicId).map(ResilienceProcessor::getCircuitBreakerState);
    }

    private Optional<ResilienceProcessor> breaker(String clinicId) {
        ResilienceProcessor known = found.get(clinicId);
        if (known != null) {
            return Optional.of(known);
        }
        Route route = camel.getRoute(SyncRouteInstaller.routeIdOf(clinicId));
        if (route == null) {
            return Optional.empty();
        }
        Optional<ResilienceProcessor> breaker = route.filter("*").stream()
                .filter(ResilienceProcessor.class::isInstance).map(ResilienceProcessor.class::cast).findFirst();
        breaker.ifPresent(b -> found.put(clinicId, b));
        return breaker;
    }
}
