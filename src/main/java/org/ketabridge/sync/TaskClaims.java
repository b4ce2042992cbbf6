package org.ketabridge.sync;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * One writer per task: the tasks this bridge process holds, by a claim in the database
 * ({@link SyncQueue#claim}), from the moment it hands one out until it records what became of
 * it. Nothing else sends a task this process holds: not another bridge process sharing the
 * database, and not this one again (a task it holds is never handed out twice, even if its lease
 * ran out).
 *
 * <p>The lease ({@code bridge.sync.claim-lease}) is renewed every quarter of its length for as
 * long as the task is held, however long the task waits in its clinic's pool and its writes take
 * (a backlog paced to {@code ehr.rate-per-second} can wait far longer than any lease). So the
 * lease only says how long a dead writer's tasks stay blocked: a killed process's tasks are taken
 * over by the next claimant (its restart, or another process) one lease after its last renewal.
 * Before the EHR is written to, the claim is checked in the database with at least half a lease
 * to run ({@link #stillOurs}): a process cut off from the database for that long does not start
 * a write that another process may start too.
 */
@Component
public class TaskClaims {

    private static final Logger log = LoggerFactory.getLogger(TaskClaims.class);

    private final SyncQueue queue;
    private final Clock clock;
    private final Duration lease;
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService renewals;

    @Autowired
    public TaskClaims(SyncQueue queue, Clock clock, BridgeProperties properties) {
        this(queue, clock, properties.getSync().getClaimLease());
    }

    public TaskClaims(SyncQueue queue, Clock clock, Duration lease) {
        if (lease.toMillis() < 200) {
            throw new IllegalArgumentException("bridge.sync.claim-lease must be at least 200ms");
        }
        this.queue = queue;
        this.clock = clock;
        this.lease = lease;
    }

    /** Takes the task for this process: true when it is ours now (nobody else holds it, and it is still due). */
    public boolean claim(long taskId) {
        // Marked held before the claim, so that a renewal running between the two does not miss it.
        if (!held.add(taskId)) {
            // Ours already, in flight: never twice (its lease may have run out while renewals failed).
            return false;
        }
        Instant now = clock.instant();
        if (queue.claim(taskId, now, now.plus(lease))) {
            return true;
        }
        held.remove(taskId);
        return false;
    }

    /**
     * Whether the task is still ours, with at least half a lease to run, checked in the database
     * as the record is about to be written (and its mapping recorded).
     */
    public boolean stillOurs(long taskId) {
        Instant now = clock.instant();
        return queue.markMapped(taskId, now, now.plus(lease.dividedBy(2)));
    }

    /** What became of the task is recorded (or refused: another writer holds it now): it is no longer held here. */
    public void ended(long taskId) {
        held.remove(taskId);
    }

    /** The task is given back untried (the bridge is stopping): due again for anyone at once, not after a lease. */
    public void release(long taskId) {
        try {
            queue.release(taskId);
        } finally {
            held.remove(taskId);
        }
    }

    /** Whether this process holds the task (handed out, its outcome not recorded yet). */
    public boolean isHeld(long taskId) {
        return held.contains(taskId);
    }

    /** Renews the lease of every task held; a task another writer took over is let go of when its outcome comes. */
    public void renew() {
        if (held.isEmpty()) {
            return;
        }
        List<Long> ids = List.copyOf(held);
        Set<Long> renewed = queue.renew(ids, clock.instant().plus(lease));
        if (renewed.size() < ids.size()) {
            // An outcome recorded meanwhile ends a claim too: only the count, at debug.
            log.debug("{} of {} claims not renewed (ended or taken over)", ids.size() - renewed.size(), ids.size());
        }
    }

    public Duration lease() {
        return lease;
    }

    public String writerId() {
        return queue.writerId();
    }

    @PostConstruct
    void startRenewals() {
        renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sync-claim-renewal");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, lease.toMillis() / 4);
        renewals.scheduleWithFixedDelay(() -> {
            try {
                renew();
            } catch (RuntimeException e) {
                // Warned, never an error: the next renewal tries again, and a lease outlives three misses.
                log.warn("Renewing the claims of {} sync tasks failed ({}): retried in {} ms", held.size(),
                        LogSafe.kinds(e), every);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        log.info("Sync tasks are claimed as writer {} with a lease of {} s, renewed every {} ms", queue.writerId(),
                lease.toSeconds(), every);
    }

    /**
     * As the bridge closes, before its database does. A write still in flight then keeps its
     * claim until its lease ends, and nobody takes the task before; a task given back untried
     * ({@link #release}) is due again at once.
     */
    @PreDestroy
    void stopRenewals() {
        if (renewals != null) {
            renewals.shutdownNow();
        }
    }
}
