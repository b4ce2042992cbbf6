package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Dead letters that say something is wrong in the EHR rather than in the record, for clinic IT to
 * act on: {@link #EHR_HOLDS_DUPLICATES}, a conditional write that matched several resources. An
 * alarm shows while its task is dead; replaying the task (once the EHR is repaired) ends it.
 */
@Repository
public class EhrAlarms {

    /**
     * A conditional write matched several resources: the EHR holds duplicates of one (412, FHIR's
     * "multiple matches"); or the search for the EHR's own patient by MRN found several (issue 13, match).
     */
    public static final String EHR_HOLDS_DUPLICATES = "EHR_HOLDS_DUPLICATES";

    private final JdbcClient jdbc;

    public EhrAlarms(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void raise(long taskId, String alarm, String resourceType, Instant at) {
        jdbc.sql("update sync_task set alarm = ?, alarm_resource_type = ?, updated_at = ? where id = ?")
                .params(alarm, resourceType, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), taskId)
                .update();
    }

    /** The EHR answered the task otherwise this time: an alarm it raised before is over. */
    public void clear(long taskId) {
        jdbc.sql("update sync_task set alarm = null, alarm_resource_type = null where id = ? and alarm is not null")
                .param(taskId)
                .update();
    }

    /** A clinic's alarms now: its dead letters that carry one. Ids, kinds and resource types only. */
    public List<Alarm> active(String clinicId) {
        return jdbc.sql("select id, kind, record_id, alarm, alarm_resource_type, updated_at from sync_task"
                        + " where clinic_id = ? and status = 'DEAD' and alarm is not null order by id")
                .param(clinicId)
                .query((rs, i) -> new Alarm(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, OffsetDateTime.class)))
                .list();
    }

    public record Alarm(long taskId, String kind, String recordId, String alarm, String resourceType, OffsetDateTime since) {
    }
}
