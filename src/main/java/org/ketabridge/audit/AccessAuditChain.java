package org.ketabridge.audit;

import java.time.Clock;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.AccessAuditLog;
import org.ketabridge.security.SecurityChainAddition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/** Puts the access audit first inside the security chain: every request to /api and /fhir is audited, refused ones included. */
@Configuration
class AccessAuditChain {

    @Bean
    SecurityChainAddition accessAudit(AccessAuditLog trail, ClinicRegistry clinics, Clock clock) {
        return http -> http.addFilterAfter(new AccessAuditFilter(trail, clinics, clock), SecurityContextHolderFilter.class);
    }
}
