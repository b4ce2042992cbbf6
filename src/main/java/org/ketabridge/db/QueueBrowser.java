package org.ketabridge.db;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the web console shows of one clinic's EHR queue beyond {@link SyncQueue}'s counts and dead
 * letters: when its oldest pending record was queued and when the EHR last took one, the records
 * waiting and what for, and where a set of tasks stands (a replay followed to its end). Reads only.
 */
@Repository
public class QueueBrowser {

    private static final RowMapper<Waiting> WAITING = Rows.of(Waiting.class);
    private static final int IN_LIST_SIZE = 500;

    private final JdbcClient jdbc;

    public QueueBrowser(JdbcTemplate template) {
        this.jdbc = JdbcClient.create(template);
    }

    /** {@code oldestPending}: when the oldest task still due was queued; {@code lastSent}: when the EHR last took one. Null: none. */
    public record Glance(OffsetDateTime oldestPending, OffsetDateTime lastSent) {
    }

    public Glance glance(String clinicId) {
        return jdbc.sql("select min(case when status = 'PENDING' then created_at end), max(sent_at)"
                        + " from sync_task where clinic_id = ?")
                .param(clinicId)
                .query((rs, i) -> new Glance(rs.getObject(1, OffsetDateTime.class), rs.getObject(2, OffsetDateTime.class)))
                .single();
    }

    /** A task waiting for another record (or a shared resource) to reach the EHR first: {@code waitingFor} is {@code KIND:id}. */
    public record Waiting(long id, String kind, String recordId, int version, String waitingFor, OffsetDateTime since) {
    }

    /** The clinic's waiting tasks, oldest first, at most {@code limit}. */
    public List<Waiting> waiting(String clinicId, int limit) {
        return jdbc.sql("select t.id, t.kind, t.record_id, v.version, t.waiting_for, t.updated_at as since"
                        + " from sync_task t join record_version v on v.id = t.record_version_id"
                        + " where t.clinic_id = ? and t.status = 'WAITING' order by t.id fetch first " + limit + " rows only")
                .param(clinicId)
                .query(WAITING)
                .list();
    }

    /** How many of these tasks of the clinic are in each status now ({@code sent}, {@code pending}, {@code dead}, ...). */
    public Map<String, Integer> statusesOf(String clinicId, Collection<Long> taskIds) {
        Map<String, Integer> counts = new TreeMap<>();
        List<Long> ids = List.copyOf(taskIds);
        for (int from = 0; from < ids.size(); from += IN_LIST_SIZE) {
            jdbc.sql("select status, count(*) from sync_task where clinic_id = :clinic and id in (:ids) group by status")
                    .param("clinic", clinicId)
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST_SIZE)))
                    .query((rs, i) -> Map.entry(rs.getString(1).toLowerCase(Locale.ROOT), rs.getInt(2)))
                    .list()
                    .forEach(e -> counts.merge(e.getKey(), e.getValue(), Integer::sum));
        }
        return counts;
    }
}
