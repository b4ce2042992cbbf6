package org.ketabridge.auditor.feed;

import java.time.Clock;
import java.util.List;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.db.StoreQueue.StoreTask;
import org.ketabridge.db.StoreQueue;
import org.springframework.stereotype.Component;

/** What the store route works on at each poll: due store tasks, oldest first, once the store is ready. */
@Component("storeTaskSource")
public class StoreTaskSource {

    private final StoreQueue queue;
    private final AuditorStore store;
    private final Clock clock;
    private final int batchSize;

    public StoreTaskSource(StoreQueue queue, AuditorStore store, Clock clock, BridgeProperties properties) {
        this.queue = queue;
        this.store = store;
        this.clock = clock;
        this.batchSize = properties.getAuditorStore().getBatchSize();
    }

    public List<StoreTask> due() {
        return store.isReady() ? queue.due(clock.instant(), batchSize) : List.of();
    }
}
