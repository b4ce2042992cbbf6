package org.ketabridge.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.TestDatabases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The queue's side of "not accepted by this EHR" (issue 13), on both databases: a task ends
 * NOT_ACCEPTED with the resource type and why (V16), is counted as {@code notAccepted} and listed
 * with its record and version; it supersedes no older dead letter (it never reached the EHR); and
 * what waits for a record kind the EHR does not accept is woken by the poll's sweep, nothing else.
 */
class NotAcceptedTasksTest {

    private static final Instant NOW = Instant.parse("2026-11-03T16:00:00Z");

    @Test
    void onH2() {
        notAccepted(TestDatabases.h2("not-accepted-tasks"));
    }

    @Test
    void onPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            notAccepted(postgres.getPostgresDatabase());
        }
    }

    private static void notAccepted(DataSource dataSource) {
        TestDatabases.migrate(dataSource);
        JdbcTemplate template = new JdbcTemplate(dataSource);
        JdbcClient jdbc = JdbcClient.create(template);
        jdbc.sql("insert into receipt (receipt_id, clinic_id, kind, channel, received_at, accepted_count, unchanged_count,"
                + " rejected_count, rejections, items) values ('r', 'north.side_1', 'doses', 'http', ?, 5, 0, 0, '[]', '[]')")
                .param(OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC)).update();
        RecordVersions records = new RecordVersions(template);
        List<Long> ids = records.insertAll(List.of(
                version("north.side_1", "DOSE", "D.1_a", 1), version("north.side_1", "SCORE", "S.1_a", 1),
                version("north.side_1", "SCORE", "S.1_a", 2), version("north.side_1", "SCORE", "S.2_b", 1),
                version("other", "SCORE", "S.3_c", 1)));
        SyncQueue queue = new SyncQueue(template);
        queue.enqueueAll(List.of(new SyncQueue.NewTask(ids.get(0), "DOSE", "D.1_a"),
                new SyncQueue.NewTask(ids.get(1), "SCORE", "S.1_a"), new SyncQueue.NewTask(ids.get(2), "SCORE", "S.1_a"),
                new SyncQueue.NewTask(ids.get(3), "SCORE", "S.2_b")), "north.side_1", NOW);
        queue.enqueueAll(List.of(new SyncQueue.NewTask(ids.get(4), "SCORE", "S.3_c")), "other", NOW);
        long dose = taskOf(jdbc, ids.get(0));
        long scoreV1 = taskOf(jdbc, ids.get(1));
        long scoreV2 = taskOf(jdbc, ids.get(2));
        long waitsForEncounter = taskOf(jdbc, ids.get(3));
        long otherClinic = taskOf(jdbc, ids.get(4));

        // The dose: its type not accepted. Only the writer holding the claim records it.
        assertThat(queue.markNotAccepted(dose, "MedicationAdministration", "this EHR does not accept"
                + " MedicationAdministration (plan: none, from configuration)", NOW)).as("not claimed").isFalse();
        assertThat(queue.claim(dose, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.markNotAccepted(dose, "MedicationAdministration", "this EHR does not accept"
                + " MedicationAdministration (plan: none, from configuration)", NOW)).isTrue();
        assertThat(queue.due("north.side_1", NOW.plusSeconds(1), 10)).extracting(SyncTask::id).doesNotContain(dose);

        // Score version 1 dead, version 2 not accepted: the dead one is not superseded, it may be replayed.
        assertThat(queue.claim(scoreV1, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.deadLetter(scoreV1, 1, "EHR refused the write with 422", NOW)).isTrue();
        assertThat(queue.claim(scoreV2, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.markNotAccepted(scoreV2, "Observation", "this EHR takes no changes to Observation (create-only):"
                + " version 2 not sent", NOW)).isTrue();

        assertThat(queue.countsByStatus("north.side_1")).containsEntry("notAccepted", 2).containsEntry("dead", 1)
                .containsEntry("pending", 1).containsEntry("sent", 0).containsEntry("waiting", 0);
        assertThat(queue.notAccepted("north.side_1")).containsExactly(
                new SyncQueue.NotAccepted(dose, "DOSE", "D.1_a", 1, "MedicationAdministration",
                        "this EHR does not accept MedicationAdministration (plan: none, from configuration)", at(NOW)),
                new SyncQueue.NotAccepted(scoreV2, "SCORE", "S.1_a", 2, "Observation",
                        "this EHR takes no changes to Observation (create-only): version 2 not sent", at(NOW)));
        assertThat(queue.notAccepted("north.side_1", 1)).as("the console's first page of one")
                .extracting(SyncQueue.NotAccepted::taskId).containsExactly(dose);
        assertThat(queue.notAccepted("other")).isEmpty();
        assertThat(queue.replay("north.side_1", scoreV1, NOW)).isEqualTo(new SyncQueue.Replay.Replayed(scoreV1));

        // Waiting for an encounter the EHR does not accept: woken; waiting for a patient, or in another clinic: not.
        assertThat(queue.claim(waitsForEncounter, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.markWaiting(waitsForEncounter, "ENCOUNTER", "E.9_z", NOW)).isTrue();
        assertThat(queue.claim(otherClinic, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.markWaiting(otherClinic, "ENCOUNTER", "E.9_z", NOW)).isTrue();
        assertThat(queue.wakeWaitingFor("north.side_1", List.of("PATIENT", "EpisodeOfCare"), NOW)).isZero();
        assertThat(queue.wakeWaitingFor("north.side_1", List.of(), NOW)).isZero();
        assertThat(queue.wakeWaitingFor("north.side_1", List.of("ENCOUNTER", "Encounter"), NOW)).isEqualTo(1);
        assertThat(status(jdbc, waitsForEncounter)).isEqualTo(SyncQueue.PENDING);
        assertThat(status(jdbc, otherClinic)).isEqualTo(SyncQueue.WAITING);

        // Sent with a note of what was left out.
        assertThat(queue.claim(waitsForEncounter, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.markSent(waitsForEncounter, "Observation/7", "Provenance not sent: this EHR does not accept"
                + " Provenance (plan: none, from configuration)", NOW)).isTrue();
        assertThat(jdbc.sql("select note from sync_task where id = ?").param(waitsForEncounter).query(String.class).single())
                .startsWith("Provenance not sent");
    }

    private static RecordVersions.NewVersion version(String clinic, String kind, String recordId, int version) {
        return new RecordVersions.NewVersion(clinic, kind, recordId, version, "MRN-1", null, "{\"v\":" + version + "}",
                "hash-" + recordId + "-" + version, "r", NOW, null);
    }

    private static OffsetDateTime at(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static long taskOf(JdbcClient jdbc, long recordVersionId) {
        return jdbc.sql("select id from sync_task where record_version_id = ?").param(recordVersionId).query(Long.class).single();
    }

    private static String status(JdbcClient jdbc, long taskId) {
        return jdbc.sql("select status from sync_task where id = ?").param(taskId).query(String.class).single();
    }
}
