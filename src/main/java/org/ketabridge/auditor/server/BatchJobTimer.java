package org.ketabridge.auditor.server;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAPI advances its batch jobs (an $export's steps) in a maintenance pass it runs once a minute,
 * so an export of a few records would take minutes; this timer runs a pass every few seconds,
 * which makes it seconds. A pass with no job to advance is a couple of small queries. Started
 * with the store, stopped with it ({@link RunningStore#close()}).
 */
final class BatchJobTimer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchJobTimer.class);

    private final ScheduledExecutorService timer;

    private BatchJobTimer(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static BatchJobTimer start(IJobMaintenanceService maintenance) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "auditor-store-jobs");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                maintenance.runMaintenancePass();
            } catch (RuntimeException e) {
                // An export's job parameters may hold search values: the kind of error only.
                log.warn("Batch job maintenance pass failed: {}", LogSafe.kinds(e));
            }
        }, 3, 3, TimeUnit.SECONDS);
        return new BatchJobTimer(timer);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
