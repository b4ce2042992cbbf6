package org.ketabridge.db;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Both queues at a glance, for the metrics (issue 17): every clinic's sync tasks by state with the
 * oldest of each, in one grouped statement, and the record versions the auditors' store does not
 * hold yet, in another. Whole-table reads: the caller reads them seldom (operations.QueueMetrics).
 */
@Repository
public class QueueDepths {

    private final JdbcClient jdbc;

    public QueueDepths(JdbcTemplate template) {
        this.jdbc = JdbcClient.create(template);
    }

    /** How many of a clinic's tasks are in one state, and since when the oldest of them was queued. */
    public record Depth(int count, OffsetDateTime oldestCreatedAt) {
    }

    /** The two queues as read now: by clinic, then by state ({@code pending}, ... {@code not_accepted}). */
    public record Snapshot(Map<String, Map<String, Depth>> syncTasks, Map<String, Depth> storePending) {
    }

    public Snapshot read() {
        Map<String, Map<String, Depth>> sync = new HashMap<>();
        jdbc.sql("select clinic_id, status, count(*), min(created_at) from sync_task group by clinic_id, status")
                .query(rs -> {
                    sync.computeIfAbsent(rs.getString(1), c -> new HashMap<>())
                            .put(rs.getString(2).toLowerCase(Locale.ROOT), new Depth(rs.getInt(3), rs.getObject(4, OffsetDateTime.class)));
                });
        Map<String, Depth> store = new HashMap<>();
        // A version stored once and due again only for its delivery is pending but not lagging: its
        // content is in the store. The age is that of the oldest version the store does not hold at all.
        jdbc.sql("select clinic_id, count(*), min(case when stored_at is null then created_at end) from store_task"
                        + " where status = 'PENDING' group by clinic_id")
                .query(rs -> {
                    store.put(rs.getString(1), new Depth(rs.getInt(2), rs.getObject(3, OffsetDateTime.class)));
                });
        return new Snapshot(sync, store);
    }
}
