package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;

    @Autowired
    public EhrResources(JdbcClient jdbc, PlatformTransactionManager transactions) {
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

    /** What is known of it: {@code ehrId}/{@code ehrVersion} once CREATED (or adopted). */
    public record Entry(String state, String ehrId, String ehrVersion, String sentHash, Long taskId, OffsetDateTime attemptAt) {
        public boolean created() {
            return CREATED.equals(state);
        }
    }

    public Optional<Entry> find(Key key) {
        return jdbc.sql("select state, ehr_id, ehr_version, sent_hash, task_id, attempt_at from ehr_resource"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?")
                .params(key.clinicId(), key.resourceType(), key.system(), key.value())
                .query((rs, i) -> new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        (Long) rs.getObject(5, Long.class), rs.getObject(6, OffsetDateTime.class)))
                .optional();
    }

    /**
     * The POST of this body is about to be sent: the row is inserted as CREATING and committed at
     * once. False when a row exists already (another writer got there first): nothing is sent then.
     */
    public boolean creating(Key key, String sentHash, Long taskId, Instant now) {
        try {
            return Boolean.TRUE.equals(ownTransaction.execute(status -> jdbc.sql("insert into ehr_resource (clinic_id,"
                            + " resource_type, identifier_system, identifier_value, state, sent_hash, task_id, attempt_at,"
                            + " updated_at) values (?, ?, ?, ?, 'CREATING', ?, ?, ?, ?)")
                    .params(key.clinicId(), key.resourceType(), key.system(), key.value(), sentHash, taskId, utc(now), utc(now))
                    .update() == 1));
        } catch (DuplicateKeyException exists) {
            return false;
        }
    }

    /**
     * The create of this body is sent again (a conditional create, which the EHR itself makes safe
     * to repeat, whose earlier answer was lost): the row, not CREATED, says so from now. False when
     * there is no such row (it was created meanwhile, or forgotten).
     */
    public boolean resending(Key key, String sentHash, Long taskId, Instant now) {
        return Boolean.TRUE.equals(ownTransaction.execute(status -> jdbc.sql("update ehr_resource set state = 'CREATING',"
                        + " sent_hash = ?, task_id = ?, attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?"
                        + " and state <> 'CREATED'")
                .params(sentHash, taskId, utc(now), utc(now), key.clinicId(), key.resourceType(), key.system(), key.value())
                .update() == 1));
    }

    /** The EHR may hold it (the answer to its POST was lost): looked up before anything is sent again. */
    public void uncertain(Key key, Instant now) {
        ownTransaction.executeWithoutResult(status -> jdbc.sql("update ehr_resource set state = 'UNCERTAIN', updated_at = ?"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?"
                        + " and state <> 'CREATED'")
                .params(utc(now), key.clinicId(), key.resourceType(), key.system(), key.value())
                .update());
    }

    /** The EHR holds it as {@code Type/ehrId}, version {@code ehrVersion} (null: not said), with the body of that hash. */
    public void created(Key key, String ehrId, String ehrVersion, String sentHash, Long taskId, Instant now) {
        ownTransaction.executeWithoutResult(status -> jdbc.sql("update ehr_resource set state = 'CREATED', ehr_id = ?,"
                        + " ehr_version = ?, sent_hash = ?, task_id = ?, updated_at = ?"
                        + " where clinic_id = ? and resource_type = ? and identifier_system = ? and identifier_value = ?")
                .params(ehrId, ehrVersion, sentHash, taskId, utc(now),
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
