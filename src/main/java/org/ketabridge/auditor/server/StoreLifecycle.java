package org.ketabridge.auditor.server;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.ClinicRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * When the auditors' store runs: started once the bridge is up, off its start-up path (HAPI's JPA
 * server takes most of a minute to start on a small machine, and the bridge accepts records
 * meanwhile: they wait in the store queue); when it cannot start, it says why (log, and
 * {@link AuditorStoreHealth}) and tries again with backoff for as long as the bridge runs; stopped
 * with the bridge.
 */
@Component
class StoreLifecycle implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(StoreLifecycle.class);

    private final ClinicRegistry clinics;
    private final boolean enabled;
    private final Launcher launcher;
    private final Retry retry;
    private final AtomicReference<RunningStore> running = new AtomicReference<>();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private volatile String failure;
    private volatile long startedAtNanos;
    private volatile boolean stopped;

    @Autowired
    StoreLifecycle(ClinicRegistry clinics, BridgeProperties properties, JpaServerLauncher launcher) {
        this(clinics, properties, launcher, new Retry(Duration.ofSeconds(5), Duration.ofMinutes(5)));
    }

    /** @param launcher how the store starts (a test passes one that fails) */
    StoreLifecycle(ClinicRegistry clinics, BridgeProperties properties, Launcher launcher, Retry retry) {
        this.clinics = clinics;
        this.enabled = properties.getAuditorStore().isEnabled();
        this.launcher = launcher;
        this.retry = retry;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!enabled || running.get() != null || startedAtNanos != 0) {
            return;
        }
        startedAtNanos = System.nanoTime();
        Thread starter = new Thread(this::startUntilRunning, "auditor-store-start");
        starter.setDaemon(true);
        starter.start();
    }

    /**
     * Starts the store, and when it cannot start, says why (log and health, DOWN) and tries again
     * with backoff, for as long as the bridge runs. Why not stop the bridge instead: the bridge
     * accepts and syncs records without the store (they wait in its queue), so a store that cannot
     * start must not take every clinic's intake and EHR sync down with it; and a cause outside the
     * bridge (the database briefly unreachable) goes away on its own.
     */
    private void startUntilRunning() {
        Duration wait = retry.initial();
        for (int attempt = 1; !stopped; attempt++) {
            try {
                RunningStore started = launcher.launch();
                if (stopped) {
                    started.close();
                    return;
                }
                running.set(started);
                failure = null;
                log.info("Auditors' FHIR store ready at /fhir in {} s ({} clinic partitions)",
                        (System.nanoTime() - startedAtNanos) / 1_000_000_000, clinics.all().size());
                return;
            } catch (RuntimeException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                failedAttempts.incrementAndGet();
                log.error("The auditors' FHIR store failed to start (attempt {}); /fhir stays unavailable and store tasks wait."
                        + " Trying again in {} s", attempt, wait.toSeconds(), e);
            }
            if (!sleep(wait)) {
                return;
            }
            wait = wait.multipliedBy(2).compareTo(retry.max()) > 0 ? retry.max() : wait.multipliedBy(2);
        }
    }

    private boolean sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the bridge runs an auditors' store at all (bridge.auditor-store.enabled). */
    boolean isEnabled() {
        return enabled;
    }

    /** The store, once started; empty while it starts, after a failed attempt, and once stopped. */
    Optional<RunningStore> running() {
        return Optional.ofNullable(running.get());
    }

    /** Why the last attempt to start failed, while the store is not running; null if none has failed. */
    String failure() {
        return failure;
    }

    int failedAttempts() {
        return failedAttempts.get();
    }

    @PreDestroy
    public void stop() {
        stopped = true;
        RunningStore r = running.getAndSet(null);
        if (r != null) {
            r.close();
        }
    }

    /** Starts the store's HAPI server (its own Spring context); throws when it cannot. */
    @FunctionalInterface
    interface Launcher {
        RunningStore launch();
    }

    /** How long to wait before trying to start again: doubling from initial up to max. */
    record Retry(Duration initial, Duration max) {
    }
}
