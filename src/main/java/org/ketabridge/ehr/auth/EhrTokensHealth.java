package org.ketabridge.ehr.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * EHR access tokens in /actuator/health (as {@code ehrTokens}): DOWN while any clinic gets no
 * token (its sync is held meanwhile), with, per clinic, the token endpoint, the key, and the
 * OAuth error; never a token or a secret. UP when every clinic's last attempt got one, or none
 * was needed yet.
 */
@Component("ehrTokensHealthIndicator")
class EhrTokensHealth implements HealthIndicator {

    /** Answered 200, and ranked between DOWN and UP (application.yaml, management.endpoint.health.status). */
    static final Status DEGRADED = new Status("DEGRADED");

    private final EhrTokens tokens;

    EhrTokensHealth(EhrTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Health health() {
        List<TokenStatus> all = tokens.status();
        // DEGRADED, not DOWN: one clinic without a token holds that clinic's sync only; the bridge
        // still takes every clinic's records and syncs the others, so its health must not answer
        // 503 (a load balancer or an orchestrator would take the whole bridge away for it).
        Health.Builder health = all.stream().anyMatch(TokenStatus::failing) ? Health.status(DEGRADED) : Health.up();
        for (TokenStatus s : all) {
            Map<String, Object> clinic = new LinkedHashMap<>();
            clinic.put("status", s.state());
            clinic.put("method", s.method());
            if (s.tokenUrl() != null) {
                clinic.put("tokenUrl", s.tokenUrl());
                clinic.put("tokenUrlFrom", s.tokenUrlSource());
            }
            if (s.signingKid() != null) {
                clinic.put("kid", s.signingKid());
            }
            if (s.failing()) {
                clinic.put("error", s.error());
                if (s.description() != null) {
                    clinic.put("errorDescription", s.description());
                }
                if (s.httpStatus() != 0) {
                    clinic.put("httpStatus", s.httpStatus());
                }
                clinic.put("since", s.failingSince().toString());
            }
            health.withDetail(s.clinicId(), clinic);
        }
        return health.build();
    }
}
