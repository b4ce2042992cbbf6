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
        EhrAuth auth,
        // The EHR's patient (issue 13, match): the system under which the EHR knows MRNs, if given,
        // and how long a patient record waits before the EHR is searched again for its patient.
        Optional<String> patientIdentifierSystem,
        Duration patientRecheck,
        // HL7 v2 (issue 14): the EHR's MLLP listener, for ehr.type hl7v2 only (null otherwise).
        MllpEndpoint mllp) {

    /** How long a patient the EHR does not hold yet is waited for before it is looked for again, unless configured. */
    public static final Duration DEFAULT_PATIENT_RECHECK = Duration.ofMinutes(5);

    /** Without tokens (none, basic or bearer, as {@code authorizationHeader} says). */
    public EhrConnection(EhrType type, URI baseUrl, Optional<String> authorizationHeader, WriteMode writeMode, int maxInFlight,
                         Double ratePerSecond, Duration connectTimeout, Duration requestTimeout,
                         Map<String, WriteStrategy> resourceStrategies) {
        this(type, baseUrl, authorizationHeader, writeMode, maxInFlight, ratePerSecond, connectTimeout, requestTimeout,
                resourceStrategies, EhrAuth.of(authorizationHeader.isEmpty() ? EhrAuthMethod.NONE
                        : authorizationHeader.get().startsWith("Basic ") ? EhrAuthMethod.BASIC : EhrAuthMethod.BEARER),
                Optional.empty(), DEFAULT_PATIENT_RECHECK, null);
    }

    @Override
    public String toString() {
        // Never print the credentials.
        return "EhrConnection[" + type + " " + (mllp != null ? mllp : baseUrl) + " " + writeMode + "]";
    }
}
