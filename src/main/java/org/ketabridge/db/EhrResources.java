package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The intent log of the strategies that create by POST (issue 13: {@code create-update},
 * {@code create-only}, {@code conditional-create}): every resource the bridge creates in an EHR so,
 * by the bridge's own identity of it (clinic, resource type, identifier system and value), with its
 * state and what the EHR calls it.
 *
 * <p>{@link #creating} commits on its own, before the POST is sent, whatever transaction the
 * caller is in: a crash or a lost answer then leaves a row that is not {@link #CREATED}, and
 * whoever writes the resource next looks it up in the EHR instead of posting it blindly again.
 */
@Repository
public class EhrResources {

    public static final String CREATING = "CREATING";
    public static final String UNCERTAIN = "UNCERTAIN";
    public static final String CREATED = "CREATED";

    /** What {@link #creating} found. */
    public enum Intent {
        /** Recorded and committed: the POST may go. */
        RECORDED,
        /** A row exists already (another writer got there first): nothing is sent. */
        ALREADY_RECORDED,
        /** The task is no longer this writer's (its lease ran out, or another writer took it over): nothing is sent. */
        TASK_NOT_HELD
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;
    // The writer whose claim on a task each intent needs; null: no claim is checked (tests of the log alone).
    private final String writerId;

    @Autowired
    public EhrResources(JdbcClient jdbc, PlatformTransactionManager transactions, SyncQueue queue) {
        this(jdbc, transactions, queue.writerId());
    }

    /** An intent log that checks no task claims. */
    public EhrResources(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this(jdbc, transactions, (String) null);
    }

    private EhrResources(JdbcClient jdbc, PlatformTransactionManager transactions, String writerId) {
        this.writerId = writerId;
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** One resource of a clinic, by the bridge's identity of it ({@code system} '' for one named by the bridge's own id). */
    public record Key(String clinicId, String resourceType, String system, String value) {
        public Key {
            system = system == null ? "" : system;
        }
    }

    /**
     * What is known of it: {@code ehrId}/{@code ehrVersion} once CREATED (or adopted); {@code sentBody}
     * the body last sent (V17: null for rows written before it), whose hash is {@code sentHash}.
     */
    public record Entry(String state, String ehrId, String ehrVersion, String sentHash, String sentBody, Long taskId,
                        OffsetDateTime attemptAt) {
        public boolean created() {
            return CREATED.equals(state);
        }
    }

    public Optional<Entry> find(Key key) {
        return jdbc.sql("select state, ehr_id, ehr_version, sent_hash, sent_body, task_id, attempt_at from ehr_resource"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?")
                .params(key.clinicId(), key.resourceType(), key.system(), key.value())
                .query((rs, i) -> new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        (Long) rs.getObject(6, Long.class), rs.getObject(7, OffsetDateTime.class)))
                .optional();
    }

    /**
     * The POST of this body (and its hash) is about to be sent: the row is inserted as CREATING and
     * committed at once, in the same statement as the check that the writer still holds the task
     * (when the log knows its writer and a task is named). So a writer that was frozen, or cut off
     * from the database, past its lease sends nothing: the writer that took the task over finds
     * either no intent (and creates it) or this one (and looks it up), never a POST it does not
     * know of, except one already on the wire as the lease ended.
     */
    public Intent creating(Key key, String sentHash, String sentBody, Long taskId, Instant now) {
        boolean checkClaim = writerId != null && taskId != null;
        String insert = "insert into ehr_resource (clinic_id, resource_type, identifier_system, identifier_value, state,"
                + " sent_hash, sent_body, task_id, attempt_at, updated_at)";
        try {
            int inserted = ownTransaction.execute(status -> checkClaim
                    ? jdbc.sql(insert + " select ?, ?, ?, ?, 'CREATING', ?, ?, ?, ?, ? from sync_task"
                                    + " where id = ? and claimed_by = ? and claimed_until > ?")
                            .params(key.clinicId(), key.resourceType(), key.system(), key.value(), sentHash, sentBody, taskId,
                                    utc(now), utc(now), taskId, writerId, utc(now))
                            .update()
                    : jdbc.sql(insert + " values (?, ?, ?, ?, 'CREATING', ?, ?, ?, ?, ?)")
                            .params(key.clinicId(), key.resourceType(), key.system(), key.value(), sentHash, sentBody, taskId,
                                    utc(now), utc(now))
                            .update());
            return inserted == 1 ? Intent.RECORDED : Intent.TASK_NOT_HELD;
        } catch (DuplicateKeyException exists) {
            return Intent.ALREADY_RECORDED;
        }
    }

    /** The resources a task's creates left not CREATED (CREATING or UNCERTAIN): what clinic IT settles. */
    public List<Key> unsettled(String clinicId, long taskId) {
        return jdbc.sql("select resource_type, identifier_system, identifier_value from ehr_resource"
                        + " where clinic_id = ? and task_id = ? and state <> 'CREATED' order by resource_type")
                .params(clinicId, taskId)
                .query((rs, i) -> new Key(clinicId, rs.getString(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    /**
     * Clinic IT found the resource in the EHR as {@code Type/ehrId}: it is CREATED with that id
     * (its version unknown: an update sends no If-Match until the EHR says it), and its body is
     * the one whose create was lost (same hash: not sent again). In the caller's transaction.
     */
    public boolean adopt(Key key, String ehrId, Instant now) {
        return jdbc.sql("update ehr_resource set state = 'CREATED', ehr_id = ?,"
                        + " ehr_version = null, updated_at = ?"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?"
                        + " and state <> 'CREATED'")
                .params(ehrId, utc(now), key.clinicId(), key.resourceType(), key.system(), key.value())
                .update() == 1;
    }

    /**
     * Clinic IT found none of a task's unsettled resources in the EHR: their rows go, and the
     * task's next write creates them. In the caller's transaction.
     */
    public int forgetUnsettled(String clinicId, long taskId) {
        return jdbc.sql("delete from ehr_resource where clinic_id = ? and task_id = ? and state <> 'CREATED'")
                .params(clinicId, taskId)
                .update();
    }

    /**
     * The create of this body is sent again (a conditional create, which the EHR itself makes safe
     * to repeat, whose earlier answer was lost): the row, not CREATED, says so from now, provided the
     * writer still holds the task (as for {@link #creating}). False when there is no such row (it was
     * created meanwhile, or forgotten) or the task is no longer this writer's: nothing is sent then.
     */
    public boolean resending(Key key, String sentHash, String sentBody, Long taskId, Instant now) {
        boolean checkClaim = writerId != null && taskId != null;
        return Boolean.TRUE.equals(ownTransaction.execute(status -> jdbc.sql("update ehr_resource set state = 'CREATING',"
                        + " sent_hash = ?, sent_body = ?, task_id = ?, attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?"
                        + " and state <> 'CREATED'" + (checkClaim ? " and exists (select 1 from sync_task"
                        + " where id = ? and claimed_by = ? and claimed_until > ?)" : ""))
                .params(checkClaim
                        ? new Object[] {sentHash, sentBody, taskId, utc(now), utc(now), key.clinicId(), key.resourceType(),
                                key.system(), key.value(), taskId, writerId, utc(now)}
                        : new Object[] {sentHash, sentBody, taskId, utc(now), utc(now), key.clinicId(), key.resourceType(),
                                key.system(), key.value()})
                .update() == 1));
    }

    /**
     * The question whether the EHR holds it is now {@code taskId}'s: the task that met it and could
     * not tell (the row may be an earlier version's task's, dead since, or another record's that
     * shares the resource), so that settling that task settles this row ({@link #unsettled}).
     */
    public void askedBy(Key key, long taskId, Instant now) {
        ownTransaction.executeWithoutResult(status -> jdbc.sql("update ehr_resource set task_id = ?, updated_at = ?"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?"
                        + " and state <> 'CREATED'")
                .params(taskId, utc(now), key.clinicId(), key.resourceType(), key.system(), key.value())
                .update());
    }

    /** The EHR may hold it (the answer to its POST was lost): looked up before anything is sent again. */
    public void uncertain(Key key, Instant now) {
        ownTransaction.executeWithoutResult(status -> jdbc.sql("update ehr_resource set state = 'UNCERTAIN', updated_at = ?"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?"
                        + " and state <> 'CREATED'")
                .params(utc(now), key.clinicId(), key.resourceType(), key.system(), key.value())
                .update());
    }

    /**
     * The EHR holds it as {@code Type/ehrId}, version {@code ehrVersion} (null: not said), with this
     * body (and its hash) the last the bridge sent of it.
     */
    public void created(Key key, String ehrId, String ehrVersion, String sentHash, String sentBody, Long taskId, Instant now) {
        ownTransaction.executeWithoutResult(status -> jdbc.sql("update ehr_resource set state = 'CREATED', ehr_id = ?,"
                        + " ehr_version = ?, sent_hash = ?, sent_body = ?, task_id = ?, updated_at = ?"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?")
                .params(ehrId, ehrVersion, sentHash, sentBody, taskId, utc(now),
                        key.clinicId(), key.resourceType(), key.system(), key.value())
                .update());
    }

    /**
     * The EHR certainly does not hold it (the POST was never sent, or refused; or a lookup found
     * none): the row goes, and the next write creates it.
     */
    public void forget(Key key) {
        ownTransaction.executeWithoutResult(status -> jdbc.sql("delete from ehr_resource where clinic_id = ?"
                        + " and resource_type = ? and identifier_system = ? and identifier_value = ? and state <> 'CREATED'")
                .params(key.clinicId(), key.resourceType(), key.system(), key.value())
                .update());
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
