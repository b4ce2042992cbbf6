package org.ketabridge.audit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.ketabridge.db.AccessAuditLog;
import org.springframework.stereotype.Component;

/**
 * The access audit trail's state where admins look ({@code /actuator/metrics}): how many rows wait
 * for the auditors' store, and how many it refused and were set aside (each one an access that
 * auditors cannot see in /fhir until someone looks at it).
 */
@Component
public class AuditTrailMetrics {

    public AuditTrailMetrics(MeterRegistry registry, AccessAuditLog trail) {
        Gauge.builder("ketabridge.access-audit.quarantined", trail, AccessAuditLog::quarantined)
                .description("Access audit rows the auditors' store refused, kept in access_audit (quarantined_at set)")
                .register(registry);
        Gauge.builder("ketabridge.access-audit.waiting", trail, AccessAuditLog::waiting)
                .description("Access audit rows not yet in the auditors' store")
                .register(registry);
    }
}
