package org.ketabridge.auditor.feed;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.ketabridge.db.StoreQueue.StoreTask;
import org.ketabridge.db.StoreQueue;
import org.ketabridge.sync.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records what became of a store task: stored, or tried again later with backoff. The store is
 * the bridge's own database, so a failure is never given up on; its last error is kept on the
 * task (visible in the clinic's sync status) and logged without patient data.
 */
@Component("storeOutcomes")
public class StoreOutcomes {

    private static final Logger log = LoggerFactory.getLogger(StoreOutcomes.class);

    private final StoreQueue queue;
    private final RetryPolicy retry;
    private final Clock clock;

    public StoreOutcomes(StoreQueue queue, RetryPolicy retry, Clock clock) {
        this.queue = queue;
        this.retry = retry;
        this.clock = clock;
    }

    public void stored(StoreTask task) {
        queue.markStored(task.recordVersionId(), task.isDelivered(), clock.instant());
    }

    public void failed(StoreTask task, Throwable cause) {
        String error = cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        int attempts = task.attempts() + 1;
        queue.scheduleRetry(task.recordVersionId(), attempts, clock.instant().plus(retry.backoff(attempts)), error);
        log.warn("Record version {} of clinic {} not stored for auditors (attempt {}): {}", task.recordVersionId(),
                task.clinicId(), attempts, cause == null ? "unknown" : cause.getClass().getSimpleName());
    }

    /**
     * A batch whose outcomes could not all be recorded (the bridge's database failing, say): its
     * tasks stay as they are, due again at the next poll; a write already made is not repeated
     * in effect (each resource is PUT to its own id).
     */
    public void unsettled(Exchange exchange) {
        StoreBatch batch = exchange.getIn().getBody(StoreBatch.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.warn("A store batch of {} record versions of clinic {} was not settled: {}", batch.tasks().size(), batch.clinicId(),
                cause == null ? "unknown" : cause.getClass().getSimpleName());
    }
}
