package org.ketabridge.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The durable work queue towards the EHRs. A task lives here from the moment its record is
 * accepted until the EHR holds it or it is dead-lettered, so a crash or restart loses nothing:
 * whatever was due is due again at start.
 */
@Repository
public class SyncQueue {

    public static final String PENDING = "PENDING";
    public static final String WAITING = "WAITING";
    public static final String SENT = "SENT";
    public static final String DEAD = "DEAD";

    private static final RowMapper<SyncTask> SYNC_TASK = Rows.of(SyncTask.class);
    private static final RowMapper<DeadLetter> DEAD_LETTER = Rows.of(DeadLetter.class);

    private final JdbcTemplate template;
    private final JdbcClient jdbc;

    public SyncQueue(JdbcTemplate template) {
        this.template = template;
        this.jdbc = JdbcClient.create(template);
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    /** A version to send, by its stored id and its record's. */
    public record NewTask(long recordVersionId, String kind, String recordId) {
    }

    public void enqueueAll(List<NewTask> tasks, String clinicId, Instant now) {
        template.batchUpdate("insert into sync_task (record_version_id, clinic_id, kind, record_id, status, attempts,"
                + " next_attempt_at, created_at, updated_at) values (?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)", tasks.stream()
                .map(t -> new Object[] {t.recordVersionId(), clinicId, t.kind(), t.recordId(), utc(now), utc(now), utc(now)})
                .toList());
    }

    /**
     * Due tasks of one clinic, oldest first. A version waits while an older version of the same
     * record is unfinished, so the EHR sees a record's versions in the order they were accepted.
     */
    public List<SyncTask> due(String clinicId, Instant now, int limit) {
        return jdbc.sql("select t.id, t.record_version_id, t.clinic_id, t.kind, t.record_id, t.attempts from sync_task t"
                        + " where t.clinic_id = ? and t.status = 'PENDING' and t.next_attempt_at <= ?"
                        + " and not exists (select 1 from sync_task o where o.clinic_id = t.clinic_id and o.kind = t.kind"
                        + "   and o.record_id = t.record_id and o.id < t.id and o.status in ('PENDING', 'WAITING'))"
                        + " order by t.id fetch first " + limit + " rows only")
                .params(clinicId, utc(now))
                .query(SYNC_TASK)
                .list();
    }

    public void markMapped(long taskId, Instant now) {
        jdbc.sql("update sync_task set mapped_at = ?, updated_at = ? where id = ? and mapped_at is null")
                .params(utc(now), utc(now), taskId)
                .update();
    }

    public void markSent(long taskId, String ehrReference, Instant now) {
        jdbc.sql("update sync_task set status = 'SENT', sent_at = ?, ehr_reference = ?, waiting_for = null,"
                        + " last_error = null, updated_at = ? where id = ?")
                .params(utc(now), ehrReference, utc(now), taskId)
                .update();
    }

    /** The task cannot go before {@code waitingFor} (e.g. {@code patient:MRN1}) is in the EHR. */
    public void markWaiting(long taskId, String waitingFor, Instant now) {
        jdbc.sql("update sync_task set status = 'WAITING', waiting_for = ?, updated_at = ? where id = ?")
                .params(waitingFor, utc(now), taskId)
                .update();
    }

    /** What was waiting for {@code waitingFor} is due now. */
    public int wake(String clinicId, String waitingFor, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', waiting_for = null, next_attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and status = 'WAITING' and waiting_for = ?")
                .params(utc(now), utc(now), clinicId, waitingFor)
                .update();
    }

    /**
     * Wakes every waiting task of a clinic whose dependency the EHR now holds. The wake-up when a
     * dependency is sent can miss a task parked at the same moment by a concurrent transaction
     * (neither sees the other's uncommitted row); this sweep, run at every poll, repairs that.
     */
    public int wakeSatisfied(String clinicId, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', waiting_for = null, next_attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and status = 'WAITING' and exists (select 1 from ehr_link l"
                        // waiting_for is "KIND:recordId": split it, so that each task is one lookup of
                        // ehr_link's key rather than a comparison with every link of the clinic.
                        + " where l.clinic_id = sync_task.clinic_id"
                        + " and l.kind = substring(sync_task.waiting_for from 1 for position(':' in sync_task.waiting_for) - 1)"
                        + " and l.record_id = substring(sync_task.waiting_for from position(':' in sync_task.waiting_for) + 1))")
                .params(utc(now), utc(now), clinicId)
                .update();
    }

    public void scheduleRetry(long taskId, int attempts, Instant nextAttemptAt, String error, Instant now) {
        jdbc.sql("update sync_task set status = 'PENDING', attempts = ?, next_attempt_at = ?, last_error = ?,"
                        + " updated_at = ? where id = ?")
                .params(attempts, utc(nextAttemptAt), truncate(error), utc(now), taskId)
                .update();
    }

    public void deadLetter(long taskId, int attempts, String error, Instant now) {
        jdbc.sql("update sync_task set status = 'DEAD', attempts = ?, last_error = ?, updated_at = ? where id = ?")
                .params(attempts, truncate(error), utc(now), taskId)
                .update();
    }

    public List<DeadLetter> deadLetters(String clinicId) {
        return jdbc.sql("select t.id, t.kind, t.record_id, v.version, t.attempts, t.last_error, t.updated_at, t.alarm"
                        + " from sync_task t join record_version v on v.id = t.record_version_id"
                        + " where t.clinic_id = ? and t.status = 'DEAD' order by t.id")
                .param(clinicId)
                .query(DEAD_LETTER)
                .list();
    }

    /** Puts a dead letter back in the queue with a fresh retry budget; false when there is none by that id. */
    public boolean replay(String clinicId, long taskId, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', attempts = 0, next_attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and id = ? and status = 'DEAD'")
                .params(utc(now), utc(now), clinicId, taskId)
                .update() == 1;
    }

    public int replayAll(String clinicId, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', attempts = 0, next_attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and status = 'DEAD'")
                .params(utc(now), utc(now), clinicId)
                .update();
    }

    /** How many tasks of a clinic are in each status. */
    public java.util.Map<String, Integer> countsByStatus(String clinicId) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (String status : java.util.List.of(PENDING, WAITING, SENT, DEAD)) {
            counts.put(status.toLowerCase(), 0);
        }
        jdbc.sql("select status, count(*) as n from sync_task where clinic_id = ? group by status")
                .param(clinicId)
                .query((rs, i) -> java.util.Map.entry(rs.getString(1).toLowerCase(), rs.getInt(2)))
                .list()
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 4000 ? error : error.substring(0, 4000);
    }

    /** {@code alarm}: set when the dead letter says the EHR needs clinic IT (EhrAlarms), null otherwise. */
    public record DeadLetter(long id, String kind, String recordId, int version, int attempts, String lastError,
                             OffsetDateTime updatedAt, String alarm) {
    }
}
