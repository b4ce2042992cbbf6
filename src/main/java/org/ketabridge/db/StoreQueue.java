package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The durable queue towards the auditors' FHIR store: every accepted record version stays here
 * until the store holds it. Versions of one record are stored in the order they were accepted.
 */
@Repository
public class StoreQueue {

    private static final RowMapper<StoreTask> STORE_TASK = Rows.of(StoreTask.class);

    private final JdbcTemplate template;
    private final JdbcClient jdbc;

    public StoreQueue(JdbcTemplate template) {
        this.template = template;
        this.jdbc = JdbcClient.create(template);
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    public void enqueueAll(List<Long> recordVersionIds, String clinicId, Instant now) {
        template.batchUpdate("insert into store_task (record_version_id, clinic_id, status, attempts, next_attempt_at, created_at)"
                + " values (?, ?, 'PENDING', 0, ?, ?)", recordVersionIds.stream()
                .map(id -> new Object[] {id, clinicId, utc(now), utc(now)}).toList());
    }

    /** Due tasks, oldest first; a version waits while an older version of its record is unstored. */
    public List<StoreTask> due(Instant now, int limit) {
        return jdbc.sql("select t.record_version_id, t.clinic_id, t.attempts, t.stored_at is not null as stored_before,"
                        + " s.status = 'SENT' as delivered, s.ehr_reference, s.sent_at from store_task t"
                        + " left join sync_task s on s.record_version_id = t.record_version_id"
                        + " join record_version v on v.id = t.record_version_id"
                        + " where t.status = 'PENDING' and t.next_attempt_at <= ?"
                        + " and not exists (select 1 from store_task o join record_version ov on ov.id = o.record_version_id"
                        + "   where o.status = 'PENDING' and ov.clinic_id = v.clinic_id and ov.kind = v.kind"
                        + "   and ov.record_id = v.record_id and ov.version < v.version)"
                        + " order by t.record_version_id fetch first " + limit + " rows only")
                .param(utc(now))
                .query(STORE_TASK)
                .list();
    }

    /** Stored; and when the delivery to the EHR was written with it, no delivery is pending any more. */
    public void markStored(long recordVersionId, boolean deliveryWritten, Instant now) {
        // A delivery that arrived while this write was under way (and so is not in it) keeps the task due.
        jdbc.sql("update store_task set stored_at = ?, last_error = null,"
                        + " status = case when delivery_pending and not ? then 'PENDING' else 'STORED' end,"
                        + " delivery_pending = case when ? then false else delivery_pending end where record_version_id = ?")
                .params(utc(now), deliveryWritten, deliveryWritten, recordVersionId)
                .update();
    }

    /** The version reached its EHR: the store is to record that (again due, for its delivery only if already stored). */
    public void deliveryPending(long recordVersionId, Instant now) {
        jdbc.sql("update store_task set delivery_pending = true, status = 'PENDING', next_attempt_at = ?"
                        + " where record_version_id = ?")
                .params(utc(now), recordVersionId)
                .update();
    }

    public void scheduleRetry(long recordVersionId, int attempts, Instant nextAttemptAt, String error) {
        jdbc.sql("update store_task set attempts = ?, next_attempt_at = ?, last_error = ? where record_version_id = ?")
                .params(attempts, utc(nextAttemptAt), error.length() > 4000 ? error.substring(0, 4000) : error, recordVersionId)
                .update();
    }

    /** How many of a clinic's record versions the store holds and how many it does not yet. */
    public Map<String, Integer> countsByStatus(String clinicId) {
        Map<String, Integer> counts = new TreeMap<>(Map.of("pending", 0, "stored", 0));
        jdbc.sql("select status, count(*) from store_task where clinic_id = ? group by status")
                .param(clinicId)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .list()
                .forEach(e -> counts.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        return counts;
    }

    /**
     * A version due for the store: whether it was stored before (then only its delivery is
     * missing), and whether, and as what, it has reached its EHR.
     */
    public record StoreTask(long recordVersionId, String clinicId, int attempts, boolean storedBefore, Boolean delivered,
                            String ehrReference, OffsetDateTime sentAt) {

        public boolean isDelivered() {
            return Boolean.TRUE.equals(delivered);
        }
    }
}
