package org.ketabridge.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** How to reach a clinic's EHR, and how hard the bridge may push it. */
public record EhrConnection(
        EhrType type,
        URI baseUrl,
        Optional<String> authorizationHeader,
        WriteMode writeMode,
        int maxInFlight,
        Double ratePerSecond,
        Duration connectTimeout,
        Duration requestTimeout,
        // Issue 13 (write plan): the operator's strategy per resource type (ehr.resources), checked.
        Map<String, WriteStrategy> resourceStrategies,
        // Tokens (issue 13): how the bridge gets an access token for this EHR, if it does.
        EhrAuth auth) {

    /** Without tokens (none, basic or bearer, as {@code authorizationHeader} says). */
    public EhrConnection(EhrType type, URI baseUrl, Optional<String> authorizationHeader, WriteMode writeMode, int maxInFlight,
                         Double ratePerSecond, Duration connectTimeout, Duration requestTimeout,
                         Map<String, WriteStrategy> resourceStrategies) {
        this(type, baseUrl, authorizationHeader, writeMode, maxInFlight, ratePerSecond, connectTimeout, requestTimeout,
                resourceStrategies, EhrAuth.of(authorizationHeader.isEmpty() ? EhrAuthMethod.NONE
                        : authorizationHeader.get().startsWith("Basic ") ? EhrAuthMethod.BASIC : EhrAuthMethod.BEARER));
    }

    @Override
    public String toString() {
        // Never print the credentials.
        return "EhrConnection[" + type + " " + baseUrl + " " + writeMode + "]";
    }
}
