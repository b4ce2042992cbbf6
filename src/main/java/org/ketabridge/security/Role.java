package org.ketabridge.security;

import java.util.Arrays;
import java.util.Optional;

/** What a bearer token lets its holder do, named in its {@code role} claim. */
public enum Role {
    /** Reads /fhir (and nothing else) for the clinics the token names. */
    AUDITOR("auditor"),
    /** Sends records, watches sync status, replays dead letters, for the clinics the token names. */
    CLINIC_IT("clinic-it"),
    /**
     * Reads the bridge's metrics ({@code /actuator/prometheus}) and nothing else: what a Prometheus
     * server scrapes with (issue 17). Its metrics carry clinic ids as labels, never patient data.
     */
    METRICS("metrics"),
    /** Everything, for every clinic. */
    ADMIN("admin");

    private final String claim;

    Role(String claim) {
        this.claim = claim;
    }

    public String claim() {
        return claim;
    }

    public static Optional<Role> ofClaim(String claim) {
        return Arrays.stream(values()).filter(r -> r.claim.equals(claim)).findFirst();
    }
}
