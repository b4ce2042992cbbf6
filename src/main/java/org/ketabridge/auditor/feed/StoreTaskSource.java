package org.ketabridge.auditor.feed;

import java.time.Clock;
import java.util.List;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.db.StoreQueue.StoreTask;
import org.ketabridge.db.StoreQueue;
import org.springframework.stereotype.Component;

/**
 * What the store route works on at each poll, once the store is ready: due store tasks, oldest
 * first, in batches of one clinic's tasks, each batch one store transaction.
 */
@Component("storeTaskSource")
public class StoreTaskSource {

    private final StoreQueue queue;
    private final AuditorStore store;
    private final Clock clock;
    private final int batchSize;
    private final int recordsPerTransaction;

    public StoreTaskSource(StoreQueue queue, AuditorStore store, Clock clock, BridgeProperties properties) {
        this.queue = queue;
        this.store = store;
        this.clock = clock;
        this.batchSize = properties.getAuditorStore().getBatchSize();
        this.recordsPerTransaction = properties.getAuditorStore().getRecordsPerTransaction();
        if (recordsPerTransaction < 1) {
            throw new IllegalStateException("bridge.auditor-store.records-per-transaction must be at least 1");
        }
    }

    public List<StoreBatch> due() {
        List<StoreTask> due = store.isReady() ? queue.due(clock.instant(), batchSize) : List.of();
        return StoreBatch.of(due, recordsPerTransaction);
    }
}
