package org.ketabridge.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Repository;

/**
 * New record versions stored and queued, in the caller's transaction: each for the auditors' store
 * and, where the clinic syncs to an EHR, for it. The one way a version enters the queues, whether a
 * clinic sent it (intake) or the bridge derived it (the REMS form's refill), so both are sent by the
 * same rules.
 */
@Repository
public class NewRecordVersions {

    private final RecordVersions records;
    private final StoreQueue storeQueue;
    private final SyncQueue syncQueue;

    public NewRecordVersions(RecordVersions records, StoreQueue storeQueue, SyncQueue syncQueue) {
        this.records = records;
        this.storeQueue = storeQueue;
        this.syncQueue = syncQueue;
    }

    /** The versions' row ids, in the order given. */
    public List<Long> storeAndQueue(String clinicId, boolean syncsToEhr, List<RecordVersions.NewVersion> versions, Instant now) {
        List<Long> ids = records.insertAll(versions);
        storeQueue.enqueueAll(ids, clinicId, now);
        if (syncsToEhr) {
            List<SyncQueue.NewTask> tasks = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                tasks.add(new SyncQueue.NewTask(ids.get(i), versions.get(i).kind(), versions.get(i).recordId()));
            }
            syncQueue.enqueueAll(tasks, clinicId, now);
        }
        return ids;
    }
}
