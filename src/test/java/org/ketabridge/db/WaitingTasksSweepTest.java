package org.ketabridge.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.TestDatabases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A record parked until what it refers to reaches the EHR is woken by the sweep at every poll
 * exactly when the EHR holds that dependency: the queue stores it as "KIND:recordId" ({@link WaitingFor})
 * and the sweep splits it to look the link up by its key. And the intake's lookup of latest versions by record id finds exactly the
 * latest version of each record asked for. On both databases.
 */
class WaitingTasksSweepTest {

    private static final Instant NOW = Instant.parse("2026-11-03T16:00:00Z");

    @Test
    void onH2() {
        sweepAndLookups(TestDatabases.h2("waiting-sweep"));
    }

    @Test
    void onPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            sweepAndLookups(postgres.getPostgresDatabase());
        }
    }

    private static void sweepAndLookups(DataSource dataSource) {
        TestDatabases.migrate(dataSource);
        JdbcTemplate template = new JdbcTemplate(dataSource);
        JdbcClient jdbc = JdbcClient.create(template);
        jdbc.sql("insert into receipt (receipt_id, clinic_id, kind, channel, received_at, accepted_count, unchanged_count,"
                + " rejected_count, rejections, items) values ('r', 'demo', 'encounters', 'http', ?, 3, 0, 0, '[]', '[]')")
                .param(OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC)).update();
        RecordVersions records = new RecordVersions(template);
        List<Long> ids = records.insertAll(List.of(
                version("E-1", 1, "MRN-1"), version("E-1", 2, "MRN-1"), version("E-2", 1, "MRN-2"), version("E-3", 1, "MRN-1")));
        SyncQueue queue = new SyncQueue(template);
        queue.enqueueAll(List.of(new SyncQueue.NewTask(ids.get(2), "ENCOUNTER", "E-2"),
                new SyncQueue.NewTask(ids.get(3), "ENCOUNTER", "E-3")), "demo", NOW);
        long waitsForHeldPatient = taskOf(jdbc, ids.get(2));
        long waitsForOtherPatient = taskOf(jdbc, ids.get(3));
        // Parked by the writer that holds them, as the sync route does (an outcome needs the claim).
        assertThat(queue.claim(waitsForHeldPatient, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.claim(waitsForOtherPatient, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.markWaiting(waitsForHeldPatient, "PATIENT", "MRN-2", NOW)).isTrue();
        assertThat(queue.markWaiting(waitsForOtherPatient, "PATIENT", "MRN-1", NOW)).isTrue();
        EhrLinks links = new EhrLinks(jdbc);
        links.save("demo", "PATIENT", "MRN-2", "Patient/7", NOW);
        links.save("demo", "ENCOUNTER", "MRN-1", "Encounter/8", NOW); // same id, other kind: not the dependency
        links.save("other", "PATIENT", "MRN-1", "Patient/9", NOW);    // same dependency, other clinic: not it either

        assertThat(queue.wakeSatisfied("demo", NOW)).isEqualTo(1);
        assertThat(queue.countsByStatus("demo")).containsEntry("pending", 1).containsEntry("waiting", 1);
        assertThat(jdbc.sql("select status from sync_task where id = ?").param(waitsForHeldPatient).query(String.class).single())
                .isEqualTo(SyncQueue.PENDING);
        // The value the receipt status shows, as WaitingFor writes it and the sweep splits it.
        assertThat(jdbc.sql("select waiting_for from sync_task where id = ?").param(waitsForOtherPatient).query(String.class).single())
                .isEqualTo("PATIENT:MRN-1");

        Map<String, StoredVersion> latest = records.latestOf("demo", "ENCOUNTER", List.of("E-1", "E-2", "E-9"));
        assertThat(latest).containsOnlyKeys("E-1", "E-2");
        assertThat(latest.get("E-1").version()).isEqualTo(2);
        assertThat(records.latestOfPatient("demo", "ENCOUNTER", "MRN-1")).extracting(StoredVersion::recordId)
                .containsExactlyInAnyOrder("E-1", "E-3");
    }

    private static RecordVersions.NewVersion version(String recordId, int version, String mrn) {
        return new RecordVersions.NewVersion("demo", "ENCOUNTER", recordId, version, mrn, recordId, "{\"v\":" + version + "}",
                "hash-" + recordId + "-" + version, "r", NOW, null);
    }

    private static long taskOf(JdbcClient jdbc, long recordVersionId) {
        return jdbc.sql("select id from sync_task where record_version_id = ?").param(recordVersionId).query(Long.class).single();
    }
}
