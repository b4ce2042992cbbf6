package org.ketabridge.support;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.SyncQueue;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Sync tasks put in a migrated database the way intake puts them there, for tests of the queue and the EHR client. */
public final class TestTasks {

    private TestTasks() {
    }

    /** One accepted encounter record (synthetic content) of the clinic, its receipt and its sync task: the task's id. */
    public static long queuedEncounter(DataSource db, String clinicId, String recordId, Instant at) {
        JdbcTemplate template = new JdbcTemplate(db);
        JdbcClient jdbc = JdbcClient.create(template);
        String receipt = clinicId + "-" + recordId;
        jdbc.sql("insert into receipt (receipt_id, clinic_id, kind, channel, received_at, accepted_count, unchanged_count,"
                        + " rejected_count, rejections, items) values (?, ?, 'encounters', 'http', ?, 1, 0, 0, '[]', '[]')")
                .params(receipt, clinicId, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)).update();
        List<Long> versions = new RecordVersions(template).insertAll(List.of(new RecordVersions.NewVersion(clinicId,
                "ENCOUNTER", recordId, 1, "M-" + recordId, recordId, "{\"synthetic\":1}", "hash-" + recordId, receipt, at, null)));
        new SyncQueue(template).enqueueAll(List.of(new SyncQueue.NewTask(versions.get(0), "ENCOUNTER", recordId)), clinicId, at);
        return jdbc.sql("select id from sync_task where clinic_id = ? and record_id = ?").params(clinicId, recordId)
                .query(Long.class).single();
    }
}
