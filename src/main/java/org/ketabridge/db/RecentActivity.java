package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What happened to a clinic's records lately, for its alerts (issue 17): read from the records'
 * own tables, so a restarted bridge knows it as well as the one before. Counts only.
 */
@Repository
public class RecentActivity {

    private final JdbcClient jdbc;

    public RecentActivity(JdbcTemplate template) {
        this.jdbc = JdbcClient.create(template);
    }

    /** Sync tasks dead-lettered since then (still dead: a replayed one is no longer counted). */
    public int deadLetteredSince(String clinicId, Instant since) {
        // sync_task_due (clinic_id, status, ...) finds the clinic's dead letters without the others.
        return jdbc.sql("select count(*) from sync_task where clinic_id = ? and status = 'DEAD' and updated_at >= ?")
                .params(clinicId, utc(since))
                .query(Integer.class).single();
    }

    /** Records received since then, from the receipts of every channel: accepted (unchanged ones included) and refused. */
    public Intake receivedSince(String clinicId, Instant since) {
        return jdbc.sql("select coalesce(sum(accepted_count), 0), coalesce(sum(rejected_count), 0) from receipt"
                        + " where clinic_id = ? and received_at >= ?")
                .params(clinicId, utc(since))
                .query((rs, i) -> new Intake(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    public record Intake(long accepted, long refused) {
        public long received() {
            return accepted + refused;
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
