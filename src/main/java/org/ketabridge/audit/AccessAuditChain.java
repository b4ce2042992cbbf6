package org.ketabridge.audit;

import java.time.Clock;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.AccessAuditLog;
import org.ketabridge.security.SecurityChainAddition;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/** Puts the access audit first inside the security chain: every request to /api and /fhir is audited, refused ones included. */
@Configuration
class AccessAuditChain {

    @Bean
    SecurityChainAddition accessAudit(AccessAuditLog trail, ClinicRegistry clinics, Clock clock, ObjectProvider<ServerProperties> server) {
        // A search form is read up to the size Tomcat would parse a form to (server.tomcat.max-http-form-post-size; negative: no limit).
        long formLimit = server.getIfAvailable(ServerProperties::new).getTomcat().getMaxHttpFormPostSize().toBytes();
        int maxFormBytes = (int) (formLimit < 0 ? Integer.MAX_VALUE - 8 : Math.min(formLimit, Integer.MAX_VALUE - 8));
        return http -> http.addFilterAfter(new AccessAuditFilter(trail, clinics, clock, maxFormBytes), SecurityContextHolderFilter.class);
    }
}
