package org.ketabridge.alerts;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.QueueDepths;
import org.ketabridge.db.QueueDepths.Depth;
import org.ketabridge.db.RecentActivity;
import org.ketabridge.operations.EhrStates;
import org.ketabridge.sync.CredentialHolds;
import org.springframework.stereotype.Component;

/**
 * The facts of the clinics whose alerts are watched, each from where it is kept: the queues (one
 * read of both, db/QueueDepths), dead letters and receipts of the last minutes (db/RecentActivity),
 * the EHR's circuit breaker (operations/EhrStates) and credentials (sync/CredentialHolds). Not the
 * metrics: a notification must not depend on the meters being on, or on a scrape.
 */
@Component
public class ClinicFactsReader {

    private final QueueDepths queues;
    private final RecentActivity recent;
    private final EhrStates ehrs;
    private final CredentialHolds credentials;
    private final CircuitWatch circuits;
    private final BridgeProperties properties;
    private final Clock clock;

    public ClinicFactsReader(QueueDepths queues, RecentActivity recent, EhrStates ehrs, CredentialHolds credentials,
                             CircuitWatch circuits, BridgeProperties properties, Clock clock) {
        this.queues = queues;
        this.recent = recent;
        this.ehrs = ehrs;
        this.credentials = credentials;
        this.circuits = circuits;
        this.properties = properties;
        this.clock = clock;
    }

    public List<ClinicFacts> read(Collection<Clinic> clinics) {
        Instant now = clock.instant();
        QueueDepths.Snapshot depths = queues.read();
        return clinics.stream().map(clinic -> read(clinic, depths, now)).toList();
    }

    private ClinicFacts read(Clinic clinic, QueueDepths.Snapshot depths, Instant now) {
        String id = clinic.id();
        BridgeProperties.Alerts alerts = properties.getAlerts();
        Map<String, Integer> syncTasks = new TreeMap<>();
        Instant oldestPending = null;
        int deadRecently = 0;
        Instant circuitNotClosed = null;
        Instant credentialsFailing = null;
        if (clinic.syncsToEhr()) {
            Map<String, Depth> byState = depths.syncTasks().getOrDefault(id, Map.of());
            byState.forEach((state, depth) -> syncTasks.put(state, depth.count()));
            oldestPending = instant(byState.getOrDefault("pending", new Depth(0, null)).oldestCreatedAt());
            deadRecently = recent.deadLetteredSince(id, now.minus(alerts.getDeadLettersWithin()));
            circuitNotClosed = circuits.notClosedSince(id, ehrs.circuitState(id), now);
            credentialsFailing = credentials.of(id).map(CredentialHolds.Hold::since).orElse(null);
        }
        // A bridge run without the auditors' store (bridge.auditor-store.enabled: false) does not lag behind it.
        Depth store = properties.getAuditorStore().isEnabled()
                ? depths.storePending().getOrDefault(id, new Depth(0, null)) : new Depth(0, null);
        RecentActivity.Intake intake = recent.receivedSince(id, now.minus(alerts.getIntakeWithin()));
        return new ClinicFacts(id, clinic.name(), clinic.syncsToEhr(), now, syncTasks, oldestPending, deadRecently,
                circuitNotClosed, credentialsFailing, store.count(), instant(store.oldestCreatedAt()),
                intake.received(), intake.refused());
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }
}
