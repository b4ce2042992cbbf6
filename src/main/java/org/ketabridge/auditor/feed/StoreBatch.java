package org.ketabridge.auditor.feed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ketabridge.db.StoreQueue.StoreTask;

/**
 * Store tasks of one clinic written in one store transaction: a transaction goes into one
 * clinic's partition, so a batch never mixes clinics.
 */
public record StoreBatch(String clinicId, List<StoreTask> tasks) {

    public StoreBatch {
        tasks = List.copyOf(tasks);
    }

    /** Due tasks (oldest first) as batches of at most {@code size}, per clinic, each clinic's tasks in their order. */
    public static List<StoreBatch> of(List<StoreTask> due, int size) {
        Map<String, List<StoreTask>> byClinic = new LinkedHashMap<>();
        due.forEach(t -> byClinic.computeIfAbsent(t.clinicId(), c -> new ArrayList<>()).add(t));
        List<StoreBatch> batches = new ArrayList<>();
        byClinic.forEach((clinic, tasks) -> {
            for (int i = 0; i < tasks.size(); i += size) {
                batches.add(new StoreBatch(clinic, tasks.subList(i, Math.min(tasks.size(), i + size))));
            }
        });
        return batches;
    }
}
