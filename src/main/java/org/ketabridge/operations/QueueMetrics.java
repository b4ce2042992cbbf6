package org.ketabridge.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.QueueDepths;
import org.ketabridge.db.QueueDepths.Depth;
import org.ketabridge.db.QueueDepths.Snapshot;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The queues as gauges (issue 17): each clinic's sync tasks by state
 * ({@code ketabridge_sync_tasks{clinic,state}}), the age of its oldest pending task, and the
 * auditors' store's lag. Every gauge of a scrape reads one snapshot, read from the database at most
 * once per {@code bridge.metrics.queue-read-every}, so scrapes never add load the database notices.
 * When the read fails the gauges keep the last values read and
 * {@code ketabridge_metrics_queue_read_failures_total} counts it: a scrape still answers, and an
 * alert on that counter says the values are stale.
 */
@Component
public class QueueMetrics {

    /** sync_task's states as label values, in Prometheus' snake case. */
    static final List<String> SYNC_STATES = List.of("pending", "waiting", "sent", "dead", "uncertain", "not_accepted");

    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);
    private static final Snapshot NOTHING_READ = new Snapshot(Map.of(), Map.of());

    private final QueueDepths depths;
    private final Clock clock;
    private final Duration readEvery;
    private final Counter readFailures;
    private Snapshot last = NOTHING_READ;
    private Instant lastReadAttempt;

    public QueueMetrics(QueueDepths depths, ClinicRegistry clinics, MeterRegistry registry, Clock clock,
                        @Value("${bridge.metrics.queue-read-every:10s}") Duration readEvery) {
        this.depths = depths;
        this.clock = clock;
        this.readEvery = readEvery;
        this.readFailures = Counter.builder("ketabridge.metrics.queue.read.failures")
                .description("Reads of the queues for the metrics that failed (the queue gauges kept their last values)")
                .register(registry);
        for (Clinic clinic : clinics.all()) {
            if (clinic.syncsToEhr()) {
                registerSyncGauges(clinic.id(), registry);
            }
            Gauge.builder("ketabridge.store.pending.tasks", () -> storeDepth(clinic.id()).count())
                    .description("Record versions waiting to be stored (or their delivery recorded) in the auditors' store")
                    .tag("clinic", clinic.id()).register(registry);
            Gauge.builder("ketabridge.store.oldest.pending.age", () -> ageOf(storeDepth(clinic.id()).oldestCreatedAt()))
                    .description("How long the oldest record version the auditors' store does not hold has waited (0: none)")
                    .baseUnit("seconds").tag("clinic", clinic.id()).register(registry);
        }
    }

    private void registerSyncGauges(String clinicId, MeterRegistry registry) {
        for (String state : SYNC_STATES) {
            Gauge.builder("ketabridge.sync.tasks", () -> syncDepth(clinicId, state).count())
                    .description("Sync tasks towards the clinic's EHR, by state")
                    .tags("clinic", clinicId, "state", state).register(registry);
        }
        Gauge.builder("ketabridge.sync.oldest.pending.age", () -> ageOf(syncDepth(clinicId, "pending").oldestCreatedAt()))
                .description("How long the clinic's oldest pending sync task has been queued (0: none pending)")
                .baseUnit("seconds").tag("clinic", clinicId).register(registry);
    }

    private Depth syncDepth(String clinicId, String state) {
        return snapshot().syncTasks().getOrDefault(clinicId, Map.of()).getOrDefault(state, new Depth(0, null));
    }

    private Depth storeDepth(String clinicId) {
        return snapshot().storePending().getOrDefault(clinicId, new Depth(0, null));
    }

    private double ageOf(OffsetDateTime since) {
        return since == null ? 0 : Math.max(0, Duration.between(since.toInstant(), clock.instant()).toMillis() / 1000.0);
    }

    /** The last snapshot, read again when it is older than {@code readEvery}; a failed read is not tried again sooner. */
    synchronized Snapshot snapshot() {
        Instant now = clock.instant();
        if (lastReadAttempt == null || !now.isBefore(lastReadAttempt.plus(readEvery))) {
            lastReadAttempt = now;
            try {
                last = depths.read();
            } catch (RuntimeException e) {
                readFailures.increment();
                log.warn("Queue depths for the metrics could not be read ({}); the gauges keep the values of the last read",
                        LogSafe.kinds(e));
            }
        }
        return last;
    }
}
