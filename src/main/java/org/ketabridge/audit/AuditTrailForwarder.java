package org.ketabridge.audit;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.auditorstore.AuditorStore;
import org.springframework.stereotype.Component;

/**
 * Moves the access audit trail into the auditors' store: the rows not stored yet become
 * AuditEvents, one transaction per partition (the clinic's, or the default one), written to ids
 * derived from the rows so that a retry after a failure writes nothing twice. Until the store is
 * ready, rows wait.
 */
@Component("auditTrailForwarder")
public class AuditTrailForwarder {

    private static final int BATCH = 200;
    private static final String UNSCOPED = "";

    private final AccessAuditLog trail;
    private final AuditEventMapper mapper;
    private final AuditorStore store;
    private final Clock clock;

    public AuditTrailForwarder(AccessAuditLog trail, AuditEventMapper mapper, AuditorStore store, Clock clock) {
        this.trail = trail;
        this.mapper = mapper;
        this.store = store;
        this.clock = clock;
    }

    /** @return how many AuditEvents were stored */
    public int forward() {
        if (!store.isReady()) {
            return 0;
        }
        List<AccessRecord> due = trail.unstored(BATCH);
        Map<String, List<AccessRecord>> byPartition = new LinkedHashMap<>();
        for (AccessRecord r : due) {
            byPartition.computeIfAbsent(Objects.requireNonNullElse(r.clinicId(), UNSCOPED), k -> new java.util.ArrayList<>()).add(r);
        }
        for (var partition : byPartition.entrySet()) {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            for (AccessRecord r : partition.getValue()) {
                AuditEvent event = mapper.toAuditEvent(r);
                bundle.addEntry().setResource(event).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                        .setUrl("AuditEvent/" + event.getIdElement().getIdPart());
            }
            if (partition.getKey().equals(UNSCOPED)) {
                store.transactionUnscoped(bundle);
            } else {
                store.transaction(partition.getKey(), bundle);
            }
            trail.markStored(partition.getValue().stream().map(AccessRecord::id).toList(), clock.instant());
        }
        return due.size();
    }
}
