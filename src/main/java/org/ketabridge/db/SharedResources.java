package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The resources several records of a clinic share (its Organization, a series' EpisodeOfCare):
 * what the EHR calls each, the content last written, and which task may write it now. A row is
 * the claim: at most one task holds it, and only while that task is PENDING (a task that was
 * sent, dead-lettered or is waiting holds nothing, so a claim cannot outlive its task). Each
 * statement commits on its own, so that two tasks claiming at once serialize on the row.
 */
@Repository
public class SharedResources {

    /**
     * The row is free: no PENDING task claims it, and no dead letter holds an alarm on it (a
     * replayed one no longer does). Written for a row aliased {@code s}.
     */
    private static final String FREE = "(s.claimed_by is null or not exists (select 1 from sync_task c"
            + " where c.id = s.claimed_by and c.status = 'PENDING'))"
            + " and (s.alarm_task is null or not exists (select 1 from sync_task a"
            + " where a.id = s.alarm_task and a.status = 'DEAD'))";

    private final JdbcClient jdbc;

    public SharedResources(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One shared resource of a clinic: by resource type and identifier value. */
    public record Key(String clinicId, String resourceType, String identifierValue) {
    }

    /** What is known of a shared resource: its EHR id and the hash of its content, once written. */
    public record State(String ehrReference, String contentHash) {
    }

    public Optional<State> find(Key key) {
        return jdbc.sql("select ehr_reference, content_hash from shared_resource"
                        + " where clinic_id = ? and resource_type = ? and identifier_value = ?")
                .params(key.clinicId(), key.resourceType(), key.identifierValue())
                .query((rs, i) -> new State(rs.getString(1), rs.getString(2)))
                .optional();
    }

    /**
     * The task takes the right to write the resource: true when it holds it (it did already, or
     * the row was free or absent). A concurrent claim of the same row waits for this one's commit
     * and then finds it taken.
     */
    public boolean claim(Key key, long taskId, Instant at) {
        try {
            jdbc.sql("insert into shared_resource (clinic_id, resource_type, identifier_value, claimed_by, updated_at)"
                            + " values (?, ?, ?, ?, ?)")
                    .params(key.clinicId(), key.resourceType(), key.identifierValue(), taskId, utc(at))
                    .update();
            return true;
        } catch (DuplicateKeyException exists) {
            return jdbc.sql("update shared_resource s set claimed_by = ?, updated_at = ?"
                            + " where s.clinic_id = ? and s.resource_type = ? and s.identifier_value = ?"
                            + " and (s.claimed_by = ? or " + FREE + ")")
                    .params(taskId, utc(at), key.clinicId(), key.resourceType(), key.identifierValue(), taskId)
                    .update() == 1;
        }
    }

    /** The task gives up its claim (it found the resource written meanwhile, or must wait for another). */
    public void release(Key key, long taskId) {
        jdbc.sql("update shared_resource set claimed_by = null"
                        + " where clinic_id = ? and resource_type = ? and identifier_value = ? and claimed_by = ?")
                .params(key.clinicId(), key.resourceType(), key.identifierValue(), taskId)
                .update();
    }

    /** The EHR holds it now, as {@code ehrReference}, with this content: the claim and any alarm end. */
    public void written(Key key, String ehrReference, String contentHash, Instant at) {
        jdbc.sql("update shared_resource set ehr_reference = ?, content_hash = ?, claimed_by = null, alarm_task = null,"
                        + " updated_at = ? where clinic_id = ? and resource_type = ? and identifier_value = ?")
                .params(ehrReference, contentHash, utc(at), key.clinicId(), key.resourceType(), key.identifierValue())
                .update();
    }

    /** The task's write found several resources in the EHR: the resource is held until that task is replayed. */
    public void alarm(Key key, long taskId, Instant at) {
        jdbc.sql("update shared_resource set alarm_task = ?, claimed_by = null, updated_at = ?"
                        + " where clinic_id = ? and resource_type = ? and identifier_value = ?")
                .params(taskId, utc(at), key.clinicId(), key.resourceType(), key.identifierValue())
                .update();
    }

    public boolean isFree(Key key) {
        return jdbc.sql("select count(*) from shared_resource s"
                        + " where s.clinic_id = ? and s.resource_type = ? and s.identifier_value = ? and " + FREE)
                .params(key.clinicId(), key.resourceType(), key.identifierValue())
                .query(Integer.class).single() > 0;
    }

    /**
     * Wakes the clinic's tasks waiting for a shared resource that is free now (its writer was sent
     * or gave up, its alarm was replayed). Run at every poll, like the queue's own sweep; the
     * writer's success wakes them at once ({@link #wake}). A task a writer holds by a live claim is
     * left alone (a waiting task holds none).
     */
    public int wakeWaitersOfFree(String clinicId, Instant now) {
        return jdbc.sql("update sync_task set status = 'PENDING', waiting_for = null, next_attempt_at = ?, updated_at = ?"
                        + " where clinic_id = ? and status = 'WAITING' and " + SyncQueue.unclaimed("sync_task")
                        + " and exists (select 1 from shared_resource s"
                        // waiting_for split into resource type and identifier value: one lookup of the row's key.
                        + " where s.clinic_id = sync_task.clinic_id"
                        + " and s.resource_type = " + WaitingFor.KIND_SQL
                        + " and s.identifier_value = " + WaitingFor.ID_SQL
                        + " and " + FREE + ")")
                .params(utc(now), utc(now), clinicId, utc(now))
                .update();
    }

    /** How many tasks wait for this shared resource. */
    public int waiting(Key key) {
        return jdbc.sql("select count(*) from sync_task where clinic_id = ? and status = 'WAITING' and waiting_for = ?")
                .params(key.clinicId(), WaitingFor.key(key.resourceType(), key.identifierValue()))
                .query(Integer.class).single();
    }

    /** The shared resource a dead task holds an alarm on, if any. */
    public Optional<Key> alarmedBy(long taskId) {
        return jdbc.sql("select clinic_id, resource_type, identifier_value from shared_resource where alarm_task = ?")
                .param(taskId)
                .query((rs, i) -> new Key(rs.getString(1), rs.getString(2), rs.getString(3)))
                .optional();
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
