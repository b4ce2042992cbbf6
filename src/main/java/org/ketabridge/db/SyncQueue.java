package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The durable work queue towards the EHRs. A task lives here from the moment its record is
 * accepted until the EHR holds it (SENT), it is dead-lettered (DEAD), or the EHR turns out not to
 * take it (NOT_ACCEPTED, issue 13), so a crash or restart loses nothing: whatever was due is due
 * again at start.
 *
 * <p>One writer per task: an instance is one writer (one per bridge process, named by
 * {@link #writerId()}). A task is worked on only by the writer that {@link #claim claimed} it,
 * for the length of a lease its holder renews; what a writer records of a task (sent, waiting,
 * retry, dead, not accepted) applies only while it still holds the claim, and ends it. A writer whose claim
 * was taken over (its lease ran out: it was dead or cut off from the database) records nothing.
 */
@Repository
public class SyncQueue {

    public static final String PENDING = "PENDING";
    public static final String WAITING = "WAITING";
    public static final String SENT = "SENT";
    public static final String DEAD = "DEAD";
    /**
     * Issue 13: the EHR may hold the record already (the answer to a create was lost) and cannot be
     * searched to tell: nothing is sent until clinic IT has checked the EHR and said which
     * ({@link #settleUncertain}). Not a dead letter: nothing was refused.
     */
    public static final String UNCERTAIN = "UNCERTAIN";
    /** Not sent: the clinic's EHR does not take it (issue 13). Terminal like SENT, never a dead letter. */
    public static final String NOT_ACCEPTED = "NOT_ACCEPTED";

    private static final RowMapper<SyncTask> SYNC_TASK = Rows.of(SyncTask.class);
    private static final RowMapper<DeadLetter> DEAD_LETTER = Rows.of(DeadLetter.class);
    private static final RowMapper<NotAccepted> NOT_ACCEPTED_ROW = Rows.of(NotAccepted.class);

    private final JdbcTemplate template;
    private final JdbcClient jdbc;
    private final String writerId;

    /** The bridge's queue: a writer of its own, named once for this process. */
    @Autowired
    public SyncQueue(JdbcTemplate template) {
        this(template, newWriterId());
    }

    /** A writer of that name (at most 64 characters): tests make two over one database. */
    public SyncQueue(JdbcTemplate template, String writerId) {
        if (writerId.isEmpty() || writerId.length() > 64) {
            throw new IllegalArgumentException("a writer id has 1 to 64 characters");
        }
        this.template = template;
        this.jdbc = JdbcClient.create(template);
        this.writerId = writerId;
    }

    /**
     * A new writer's name: this process's id, for an operator matching a claim to a process, and
     * a UUID, so that a restarted process (or one on another host with the same process id) is
     * never taken for its predecessor.
     */
    public static String newWriterId() {
        return ProcessHandle.current().pid() + "-" + UUID.randomUUID();
    }

    /** Who this queue claims tasks as. */
    public String writerId() {
        return writerId;
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
     * Due tasks of one clinic, oldest first, that no writer holds (a claim whose lease has ended
     * is held by no one). A version waits while an older version of the same record is
     * unfinished, so the EHR sees a record's versions in the order they were accepted.
     */
    public List<SyncTask> due(String clinicId, Instant now, int limit) {
        return due(clinicId, now, limit, false);
    }

    /**
     * {@link #due(String, Instant, int)}, and with {@code patientOrder} (issue 14, HL7 v2 EHRs) a
     * task also waits while an older task of the same clinic and patient is PENDING (not sent yet,
     * or to be retried) or UNCERTAIN, so the EHR receives each patient's messages in the order they
     * were accepted. An older WAITING task does not hold the patient up: it waits for a record of
     * that patient that may be newer (a dose accepted before its encounter), or that may never come.
     * Nor does an older PENDING version queued behind a WAITING version of its record (a dose
     * corrected before its encounter came): it cannot go before that wait ends, and holding the
     * patient up for it would hold up the very encounter the wait is for.
     */
    public List<SyncTask> due(String clinicId, Instant now, int limit, boolean patientOrder) {
        return jdbc.sql("select t.id, t.record_version_id, t.clinic_id, t.kind, t.record_id, t.attempts, t.replays from sync_task t"
                        + " where t.clinic_id = ? and t.status = 'PENDING' and t.next_attempt_at <= ?"
                        + " and " + unclaimed("t")
                        + " and not exists (select 1 from sync_task o where o.clinic_id = t.clinic_id and o.kind = t.kind"
                        + "   and o.record_id = t.record_id and o.id < t.id and o.status in ('PENDING', 'WAITING', 'UNCERTAIN'))"
                        + (patientOrder ? " and not exists (select 1 from sync_task p"
                                + "   join record_version pv on pv.id = p.record_version_id"
                                + "   join record_version tv on tv.id = t.record_version_id"
                                + "   where p.clinic_id = t.clinic_id and p.id < t.id and p.status in ('PENDING', 'UNCERTAIN')"
                                // pv's clinic too: the index record_version_clinic_patient (V22) then finds the
                                // patient's versions of this clinic alone, not every clinic's pending tasks.
                                + "   and pv.clinic_id = t.clinic_id and pv.patient_mrn = tv.patient_mrn"
                                + "   and not exists (select 1 from sync_task w where w.clinic_id = p.clinic_id and w.kind = p.kind"
                                + "     and w.record_id = p.record_id and w.id < p.id and w.status = 'WAITING'))" : "")
                        + " order by t.id fetch first " + limit + " rows only")
                .params(clinicId, utc(now), utc(now))
                .query(SYNC_TASK)
                .list();
    }

    /**
     * No live claim on the row: never claimed, released, or its lease over. One parameter: now.
     * {@code row}: the table's name or alias in the statement.
     */
    static String unclaimed(String row) {
        return unclaimed(row, "?");
    }

    /** {@link #unclaimed(String)} with now as {@code now}: a named parameter ({@code :now}) where a statement has those. */
    static String unclaimed(String row, String now) {
        return "(" + row + ".claimed_until is null or " + row + ".claimed_until < " + now + ")";
    }

    /** The row is this writer's: one parameter, the writer id. Every outcome's update has it. */
    private static final String OURS = " and claimed_by = ?";
    /** An outcome ends the writer's claim: the task is due for anyone (PENDING) or nobody's to send. */
    private static final String ENDS_CLAIM = ", claimed_by = null, claimed_until = null";
    /** Any outcome but {@link #awaitEhrPatient} ends the wait for the EHR's patient (issue 13, match). */
    private static final String NOT_AWAITING = ", awaiting = null";
    /** {@code sync_task.awaiting} of a patient record waiting for the EHR to hold its patient. */
    static final String AWAITING_EHR_PATIENT = "EHR_PATIENT";

    /**
     * Takes the task for this writer until {@code until}, in one statement: true when it is ours
     * now. Only a task still due and held by no one (never claimed, released, or its lease over:
     * its writer died) can be taken, so of two writers claiming one task at once exactly one
     * gets it.
     */
    public boolean claim(long taskId, Instant now, Instant until) {
        return jdbc.sql("update sync_task set claimed_by = ?, claimed_until = ?"
                        + " where id = ? and status = 'PENDING' and next_attempt_at <= ? and " + unclaimed("sync_task"))
                .params(writerId, utc(until), taskId, utc(now), utc(now))
                .update() == 1;
    }

    /**
     * Extends this writer's claims on these tasks to {@code until}; returns the tasks it still
     * holds (a claim taken over by another writer, or ended by an outcome, is not renewed).
     */
    public Set<Long> renew(Collection<Long> taskIds, Instant until) {
        List<Long> ids = List.copyOf(taskIds);
        Set<Long> held = new HashSet<>();
        if (ids.isEmpty()) {
            return held;
        }
        int[] updated = template.batchUpdate("update sync_task set claimed_until = ? where id = ?" + OURS,
                ids.stream().map(id -> new Object[] {utc(until), id, writerId}).toList());
        for (int i = 0; i < ids.size(); i++) {
            // A driver may answer "done, count unknown" (SUCCESS_NO_INFO, -2) for a statement of a batch.
            if (updated[i] != 0) {
                held.add(ids.get(i));
            }
        }
        return held;
    }

    /** The writer gives the task up untouched (it was not tried: the bridge is stopping), due again for anyone. */
    public boolean release(long taskId) {
        return jdbc.sql("update sync_task set claimed_by = null, claimed_until = null where id = ?" + OURS)
                .params(taskId, writerId)
                .update() == 1;
    }

    /**
     * The task's record is mapped and about to be written: true when this writer still holds
     * the task with its lease running at least until {@code validUntil} (the last check before
     * the EHR is written to; false: someone else holds it now, or this writer's renewals have
     * failed for so long that it may lose it mid-write). Sets {@code mapped_at} the first time.
     */
    public boolean markMapped(long taskId, Instant now, Instant validUntil) {
        // Right-hand sides read the row as it was: updated_at moves only when mapped_at is set.
        return jdbc.sql("update sync_task set mapped_at = coalesce(mapped_at, ?),"
                        + " updated_at = case when mapped_at is null then ? else updated_at end"
                        + " where id = ?" + OURS + " and claimed_until >= ?")
                .params(utc(now), utc(now), taskId, writerId, utc(validUntil))
                .update() == 1;
    }

    /** The EHR holds the task's record: false (nothing recorded) when this writer no longer holds the task. */
    public boolean markSent(long taskId, String ehrReference, Instant now) {
        return markSent(taskId, ehrReference, null, now);
    }

    /**
     * The EHR holds the task's record, but for what {@code note} says was left out (null: nothing):
     * false (nothing recorded) when this writer no longer holds the task.
     */
    public boolean markSent(long taskId, String ehrReference, String note, Instant now) {
        return jdbc.sql("update sync_task set status = 'SENT', sent_at = ?, ehr_reference = ?, waiting_for = null,"
                        + " last_error = null, note = ?, updated_at = ?" + ENDS_CLAIM + NOT_AWAITING + " where id = ?" + OURS)
                .params(utc(now), ehrReference, truncate(note, 1000), utc(now), taskId, writerId)
                .update() == 1;
    }

    /**
     * The clinic's EHR does not take the task's record ({@code resourceType}, {@code reason}, in
     * words for clinic IT): not sent, and never will be; false (nothing recorded) when this writer
     * no longer holds the task.
     */
    public boolean markNotAccepted(long taskId, String resourceType, String reason, Instant now) {
        return jdbc.sql("update sync_task set status = 'NOT_ACCEPTED', not_accepted_type = ?, note = ?, waiting_for = null,"
                        + " last_error = null, updated_at = ?" + ENDS_CLAIM + " where id = ?" + OURS)
                .params(resourceType, truncate(reason, 1000), utc(now), taskId, writerId)
                .update() == 1;
    }

    /** A clinic's records its EHR does not take, oldest first: task, record, version, resource type, why, when. */
    public List<NotAccepted> notAccepted(String clinicId) {
        return jdbc.sql(NOT_ACCEPTED_TASKS).param(clinicId).query(NOT_ACCEPTED_ROW).list();
    }

    /** The first {@code limit} of them, oldest first (the console's page: an EHR that takes no doses has one for each). */
    public List<NotAccepted> notAccepted(String clinicId, int limit) {
        return jdbc.sql(NOT_ACCEPTED_TASKS + " fetch first " + limit + " rows only").param(clinicId).query(NOT_ACCEPTED_ROW).list();
    }

    private static final String NOT_ACCEPTED_TASKS = "select t.id as task_id, t.kind, t.record_id, v.version,"
            + " t.not_accepted_type as resource_type, t.note as reason, t.updated_at as not_accepted_at"
            + " from sync_task t join record_version v on v.id = t.record_version_id"
            + " where t.clinic_id = ? and t.status = 'NOT_ACCEPTED' order by t.id";

    /** One record version the EHR does not take, and when that was decided. */
    public record NotAccepted(long taskId, String kind, String recordId, int version, String resourceType, String reason,
                              OffsetDateTime notAcceptedAt) {
    }

    /**
     * The task cannot go before another record ({@code kind} {@code PATIENT}, id {@code MRN1}) is in
     * the EHR, or a shared resource ({@code EpisodeOfCare}, {@code S-1}) is free: stored as
     * {@link WaitingFor}, {@code PATIENT:MRN1}. False (nothing recorded) when this writer no
     * longer holds the task.
     */
    public boolean markWaiting(long taskId, String kind, String id, Instant now) {
        return jdbc.sql("update sync_task set status = 'WAITING', waiting_for = ?, updated_at = ?" + ENDS_CLAIM
                        + NOT_AWAITING + " where id = ?" + OURS)
                .params(WaitingFor.key(kind, id), utc(now), taskId, writerId)
                .update() == 1;
    }

    /**
     * What was waiting for that record (or shared resource) is due now. (A waiting task holds no
     * claim; one that did, live, would be left alone.)
     */
    public int wake(String clinicId, String kind, String id, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', waiting_for = null, next_attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and status = 'WAITING' and waiting_for = ? and " + unclaimed("sync_task"))
                .params(utc(now), utc(now), clinicId, WaitingFor.key(kind, id), utc(now))
                .update();
    }

    /**
     * Wakes every waiting task of a clinic whose dependency the EHR now holds. The wake-up when a
     * dependency is sent can miss a task parked at the same moment by a concurrent transaction
     * (neither sees the other's uncommitted row); this sweep, run at every poll, repairs that.
     */
    public int wakeSatisfied(String clinicId, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', waiting_for = null, next_attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and status = 'WAITING' and " + unclaimed("sync_task")
                        + " and exists (select 1 from ehr_link l"
                        // waiting_for split into kind and record id, so that each task is one lookup of
                        // ehr_link's key rather than a comparison with every link of the clinic.
                        + " where l.clinic_id = sync_task.clinic_id"
                        + " and l.kind = " + WaitingFor.KIND_SQL
                        + " and l.record_id = " + WaitingFor.ID_SQL + ")")
                .params(utc(now), utc(now), clinicId, utc(now))
                .update();
    }

    /**
     * Wakes every waiting task of a clinic that waits for a record of one of these {@code kinds}
     * ({@code ENCOUNTER}) or a shared resource of one of these types ({@code EpisodeOfCare}): the
     * clinic's EHR does not accept them, so they will never reach it, and whoever waits for them
     * goes without them (issue 13). Run at every poll, as {@link #wakeSatisfied}.
     */
    public int wakeWaitingFor(String clinicId, Collection<String> kinds, Instant now) {
        if (kinds.isEmpty()) {
            return 0;
        }
        // Named parameters throughout: the kinds are a list.
        return jdbc.sql("update sync_task set status = 'PENDING', waiting_for = null, next_attempt_at = :now, updated_at = :now"
                        + " where clinic_id = :clinic and status = 'WAITING' and " + unclaimed("sync_task", ":now")
                        + " and " + WaitingFor.KIND_SQL + " in (:kinds)")
                .param("now", utc(now))
                .param("clinic", clinicId)
                .param("kinds", List.copyOf(kinds))
                .update();
    }

    /** Due again at {@code nextAttemptAt}, for any writer: false (nothing recorded) when this writer no longer holds the task. */
    public boolean scheduleRetry(long taskId, int attempts, Instant nextAttemptAt, String error, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', attempts = ?, next_attempt_at = ?, last_error = ?,"
                        + " updated_at = ?" + ENDS_CLAIM + NOT_AWAITING + " where id = ?" + OURS)
                .params(attempts, utc(nextAttemptAt), truncate(error), utc(now), taskId, writerId)
                .update() == 1;
    }

    /**
     * A patient record whose patient the EHR does not hold yet (issue 13, match): due again at
     * {@code nextAttemptAt} with no attempt spent, {@code why} as its last error, and marked as awaiting
     * the EHR's patient (counted by {@link #awaitingEhrPatient}). False (nothing recorded) when this
     * writer no longer holds the task.
     */
    public boolean awaitEhrPatient(long taskId, Instant nextAttemptAt, String why, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', next_attempt_at = ?, last_error = ?, awaiting = ?,"
                        + " updated_at = ?" + ENDS_CLAIM + " where id = ?" + OURS)
                .params(utc(nextAttemptAt), truncate(why), AWAITING_EHR_PATIENT, utc(now), taskId, writerId)
                .update() == 1;
    }

    /** How many of a clinic's tasks wait for the EHR to hold their patient (a part of its pending ones). */
    public int awaitingEhrPatient(String clinicId) {
        return jdbc.sql("select count(*) from sync_task where clinic_id = ? and status = 'PENDING' and awaiting = ?")
                .params(clinicId, AWAITING_EHR_PATIENT)
                .query(Integer.class)
                .single();
    }

    /** How many of a clinic's tasks wait for that record ({@code PATIENT}, {@code MRN1}) to reach the EHR. */
    public int waitingFor(String clinicId, String kind, String recordId) {
        return jdbc.sql("select count(*) from sync_task where clinic_id = ? and status = 'WAITING' and waiting_for = ?")
                .params(clinicId, WaitingFor.key(kind, recordId))
                .query(Integer.class)
                .single();
    }

    /** A dead letter now: false (nothing recorded) when this writer no longer holds the task. */
    public boolean deadLetter(long taskId, int attempts, String error, Instant now) {
        return jdbc.sql("update sync_task set status = 'DEAD', attempts = ?, last_error = ?, updated_at = ?" + ENDS_CLAIM
                        + NOT_AWAITING + " where id = ?" + OURS)
                .params(attempts, truncate(error), utc(now), taskId, writerId)
                .update() == 1;
    }

    /**
     * Uncertain now (issue 13): its record waits for clinic IT, with the reason; false (nothing
     * recorded) when this writer no longer holds the task. Its attempt is counted.
     */
    public boolean markUncertain(long taskId, int attempts, String reason, Instant now) {
        return jdbc.sql("update sync_task set status = 'UNCERTAIN', attempts = ?, last_error = ?, updated_at = ?" + ENDS_CLAIM
                        + " where id = ?" + OURS)
                .params(attempts, truncate(reason), utc(now), taskId, writerId)
                .update() == 1;
    }

    /** The clinic's uncertain tasks, oldest first: which record, which version, why, since when. */
    public List<UncertainTask> uncertain(String clinicId) {
        return jdbc.sql(UNCERTAIN_TASKS + " order by t.id").param(clinicId).query(UNCERTAIN_TASK).list();
    }

    public Optional<UncertainTask> uncertain(String clinicId, long taskId) {
        return jdbc.sql(UNCERTAIN_TASKS + " and t.id = ?").params(clinicId, taskId).query(UNCERTAIN_TASK).optional();
    }

    private static final String UNCERTAIN_TASKS = "select t.id, t.kind, t.record_id, v.version, t.last_error as reason,"
            + " t.updated_at as since from sync_task t join record_version v on v.id = t.record_version_id"
            + " where t.clinic_id = ? and t.status = 'UNCERTAIN'";

    private static final RowMapper<UncertainTask> UNCERTAIN_TASK = Rows.of(UncertainTask.class);

    /**
     * Clinic IT has settled an uncertain task: due again at once with a fresh retry budget (what
     * the EHR holds, as they found it, is in the intent log by then). False when the task is not
     * (or no longer) uncertain.
     */
    public boolean settleUncertain(String clinicId, long taskId, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', attempts = 0, next_attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and id = ? and status = 'UNCERTAIN'")
                .params(utc(now), utc(now), clinicId, taskId)
                .update() == 1;
    }

    public List<DeadLetter> deadLetters(String clinicId) {
        return jdbc.sql(DEAD_LETTERS + " order by t.id")
                .param(clinicId)
                .query(DEAD_LETTER)
                .list();
    }

    private Optional<DeadLetter> deadLetter(String clinicId, long taskId) {
        return jdbc.sql(DEAD_LETTERS + " and t.id = ?")
                .params(clinicId, taskId)
                .query(DEAD_LETTER)
                .optional();
    }

    /**
     * A newer version of task {@code t}'s record that is in the EHR or on its way there (SENT,
     * PENDING, WAITING): once one exists, {@code t}'s content is history, and sending it would
     * make the EHR go back in time. (A newer version that is dead, or that the EHR does not accept,
     * supersedes nothing: it never reached the EHR.)
     */
    private static final String NEWER_UNDEAD_VERSION = "n.clinic_id = t.clinic_id and n.kind = t.kind"
            + " and n.record_id = t.record_id and n.id > t.id and n.status not in ('DEAD', 'NOT_ACCEPTED')";

    /** What a replay of one dead letter did. */
    public sealed interface Replay {
        /** Due again, with a fresh retry budget. */
        record Replayed(long taskId) implements Replay {
        }

        /** No dead letter of the clinic by that id. */
        record NotFound(long taskId) implements Replay {
        }

        /** Left dead: a newer version of its record is in the EHR or on its way there. */
        record Superseded(long taskId, String kind, String recordId, int version,
                          long newerTaskId, int newerVersion, String newerStatus) implements Replay {
        }
    }

    /** Public: {@code Rows} builds it by reflection. */
    public record Newer(long newerTaskId, int newerVersion, String newerStatus) {
    }

    private static final RowMapper<Newer> NEWER = Rows.of(Newer.class);

    private static final String DEAD_LETTERS = "select t.id, t.kind, t.record_id, v.version, t.attempts, t.last_error,"
            + " t.updated_at, t.alarm, (select min(n.id) from sync_task n where " + NEWER_UNDEAD_VERSION + ") as superseded_by"
            + " from sync_task t join record_version v on v.id = t.record_version_id"
            + " where t.clinic_id = ? and t.status = 'DEAD'";

    /**
     * Puts a dead letter back in the queue with a fresh retry budget and a new replay generation
     * (a new HL7 v2 control id: the EHR must not take it for a repeat), unless it is superseded. The
     * check is part of the update (one statement), so a newer version that enters the queue at
     * the same moment either makes the replay refused or waits behind the replayed one (a version
     * is not due while an older one is unfinished): the EHR never gets the older after the newer.
     */
    public Replay replay(String clinicId, long taskId, Instant now) {
        int updated = jdbc.sql("update sync_task t set status = 'PENDING', attempts = 0, replays = replays + 1, next_attempt_at = ?,"
                        + " updated_at = ? where t.clinic_id = ? and t.id = ? and t.status = 'DEAD'"
                        + " and not exists (select 1 from sync_task n where " + NEWER_UNDEAD_VERSION + ")")
                .params(utc(now), utc(now), clinicId, taskId)
                .update();
        if (updated == 1) {
            return new Replay.Replayed(taskId);
        }
        var dead = deadLetter(clinicId, taskId);
        if (dead.isEmpty() || dead.get().supersededBy() == null) {
            return new Replay.NotFound(taskId);
        }
        DeadLetter d = dead.get();
        Newer newer = jdbc.sql("select t.id as newer_task_id, v.version as newer_version, t.status as newer_status"
                        + " from sync_task t join record_version v on v.id = t.record_version_id where t.id = ?")
                .param(d.supersededBy())
                .query(NEWER)
                .single();
        return new Replay.Superseded(taskId, d.kind(), d.recordId(), d.version(), newer.newerTaskId(),
                newer.newerVersion(), newer.newerStatus());
    }

    /**
     * Replays every dead letter of a clinic that is not superseded, oldest first (so that of two
     * dead versions of one record, the older is due again before the newer is looked at, and goes
     * first); the superseded ones stay dead and are returned.
     */
    public ReplayAll replayAll(String clinicId, Instant now) {
        List<Long> replayed = new ArrayList<>();
        List<Replay.Superseded> superseded = new ArrayList<>();
        for (DeadLetter dead : deadLetters(clinicId)) {
            Replay replay = replay(clinicId, dead.id(), now);
            if (replay instanceof Replay.Replayed r) {
                replayed.add(r.taskId());
            } else if (replay instanceof Replay.Superseded s) {
                superseded.add(s);
            }
            // NotFound: replayed by someone else meanwhile, nothing to do.
        }
        return new ReplayAll(replayed, superseded);
    }

    /** {@code replayedTaskIds}: the tasks due again (the console follows them until they are sent). */
    public record ReplayAll(List<Long> replayedTaskIds, List<Replay.Superseded> superseded) {
        public int replayed() {
            return replayedTaskIds.size();
        }
    }

    /** How many tasks of a clinic are in each status: pending, waiting, sent, dead, notAccepted. */
    public Map<String, Integer> countsByStatus(String clinicId) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String status : List.of(PENDING, WAITING, SENT, DEAD, UNCERTAIN, NOT_ACCEPTED)) {
            counts.put(countName(status), 0);
        }
        jdbc.sql("select status, count(*) as n from sync_task where clinic_id = ? group by status")
                .param(clinicId)
                .query((rs, i) -> Map.entry(countName(rs.getString(1)), rs.getInt(2)))
                .list()
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    /** {@code PENDING} → {@code pending}, {@code NOT_ACCEPTED} → {@code notAccepted}. */
    private static String countName(String status) {
        return NOT_ACCEPTED.equals(status) ? "notAccepted" : status.toLowerCase(Locale.ROOT);
    }

    private static String truncate(String error) {
        return truncate(error, 4000);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    /**
     * {@code alarm}: set when the dead letter says the EHR needs clinic IT (EhrAlarms), null otherwise.
     * {@code supersededBy}: the task of a newer version in the EHR or on its way there (replay refused), else null.
     */
    public record DeadLetter(long id, String kind, String recordId, int version, int attempts, String lastError,
                             OffsetDateTime updatedAt, String alarm, Long supersededBy) {
    }

    /** An uncertain task (issue 13): its record and version, why it is uncertain, since when. */
    public record UncertainTask(long id, String kind, String recordId, int version, String reason, OffsetDateTime since) {
    }
}
