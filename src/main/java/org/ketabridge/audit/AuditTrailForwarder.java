package org.ketabridge.audit;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.db.AccessAuditLog;
import org.ketabridge.db.AccessRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Moves the access audit trail into the auditors' store: the rows not stored yet become
 * AuditEvents, one transaction per partition (the clinic's, or the default one), written to ids
 * derived from the rows so that a retry after a failure writes nothing twice. Until the store is
 * ready, rows wait.
 *
 * <p>One row must never stop the trail. When a partition's transaction fails, its rows are sent
 * one by one: the good ones go in, and a row that fails alone is charged an attempt, then after
 * {@link #MAX_ATTEMPTS} quarantined (kept, counted, logged by row id). A row is charged only when
 * the store refused it as a request (a 4xx) or took other rows in the same pass: when nothing
 * goes in at all the store itself is failing, and no row is blamed for that.
 */
@Component("auditTrailForwarder")
public class AuditTrailForwarder {

    static final int MAX_ATTEMPTS = 3;
    private static final int BATCH = 200;
    private static final String UNSCOPED = "";
    private static final Pattern HAPI_CODE = Pattern.compile("HAPI-\\d{1,5}");
    private static final Logger log = LoggerFactory.getLogger(AuditTrailForwarder.class);

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
        Map<String, List<AccessRecord>> byPartition = new LinkedHashMap<>();
        for (AccessRecord r : trail.unstored(BATCH)) {
            byPartition.computeIfAbsent(Objects.requireNonNullElse(r.clinicId(), UNSCOPED), k -> new ArrayList<>()).add(r);
        }
        int stored = 0;
        List<FailedRow> failedAlone = new ArrayList<>();
        for (var partition : byPartition.entrySet()) {
            try {
                write(partition.getKey(), partition.getValue());
                stored += partition.getValue().size();
            } catch (RuntimeException batchFailed) {
                for (AccessRecord r : partition.getValue()) {
                    try {
                        write(partition.getKey(), List.of(r));
                        stored++;
                    } catch (RuntimeException rowFailed) {
                        failedAlone.add(new FailedRow(r.id(), rowFailed));
                    }
                }
            }
        }
        for (FailedRow f : failedAlone) {
            if (stored > 0 || isRefusal(f.error())) {
                charge(f);
            }
        }
        return stored;
    }

    private void write(String partition, List<AccessRecord> rows) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (AccessRecord r : rows) {
            AuditEvent event = mapper.toAuditEvent(r);
            bundle.addEntry().setResource(event).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl("AuditEvent/" + event.getIdElement().getIdPart());
        }
        if (partition.equals(UNSCOPED)) {
            store.transactionUnscoped(bundle);
        } else {
            store.transaction(partition, bundle);
        }
        trail.markStored(rows.stream().map(AccessRecord::id).toList(), clock.instant());
    }

    private void charge(FailedRow f) {
        String kind = kindOf(f.error());
        int attempts = trail.failedAlone(f.rowId(), kind, MAX_ATTEMPTS, clock.instant());
        // Row id and kind of error only: the row and the store's message may quote the request.
        if (attempts >= MAX_ATTEMPTS) {
            log.warn("Access audit row {} quarantined after {} attempts ({}): the auditors' store refuses it", f.rowId(),
                    attempts, kind);
        } else {
            log.warn("Access audit row {} not stored (attempt {} of {}, {})", f.rowId(), attempts, MAX_ATTEMPTS, kind);
        }
    }

    private static boolean isRefusal(RuntimeException e) {
        return e instanceof BaseServerResponseException refused && refused.getStatusCode() >= 400 && refused.getStatusCode() < 500;
    }

    /** The exception's class, HTTP status and HAPI message code: what went wrong, without what was asked. */
    static String kindOf(RuntimeException e) {
        StringBuilder kind = new StringBuilder(e.getClass().getSimpleName());
        if (e instanceof BaseServerResponseException refused) {
            kind.append(' ').append(refused.getStatusCode());
        }
        Matcher code = HAPI_CODE.matcher(Objects.requireNonNullElse(e.getMessage(), ""));
        if (code.find()) {
            kind.append(' ').append(code.group());
        }
        return kind.toString();
    }

    private record FailedRow(long rowId, RuntimeException error) {
    }
}
