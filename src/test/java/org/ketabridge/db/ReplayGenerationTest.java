package org.ketabridge.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.TestDatabases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A replayed dead letter is due again under a new replay generation (its HL7 v2 message gets a new
 * control id: an EHR that drops repeats by MSH-10 would drop it), on both databases; an automatic
 * retry, or a task given up untouched and taken again (a resend after a crash), keeps the generation,
 * so the EHR can drop what it already holds.
 */
class ReplayGenerationTest {

    private static final Instant NOW = Instant.parse("2026-12-02T16:00:00Z");
    private static final String CLINIC = "hl7north";

    @Test
    void onH2() {
        replays(TestDatabases.h2("replay-generation"));
    }

    @Test
    void onPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            replays(postgres.getPostgresDatabase());
        }
    }

    private static void replays(DataSource dataSource) {
        TestDatabases.migrate(dataSource);
        JdbcTemplate template = new JdbcTemplate(dataSource);
        JdbcClient jdbc = JdbcClient.create(template);
        PatientOrderedQueueTest.receipt(jdbc);
        RecordVersions records = new RecordVersions(template);
        SyncQueue queue = new SyncQueue(template);
        long one = PatientOrderedQueueTest.task(records, queue, jdbc, "PATIENT", "A", 1, "A");
        long other = PatientOrderedQueueTest.task(records, queue, jdbc, "PATIENT", "B", 1, "B");
        assertThat(replays(queue, NOW, one)).isZero();

        // Retried, then given up untouched (stopping) and claimed again: the same generation.
        assertThat(queue.claim(one, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.scheduleRetry(one, 1, NOW.plusSeconds(10), "no ACK", NOW)).isTrue();
        Instant later = NOW.plusSeconds(11);
        assertThat(queue.claim(one, later, later.plusSeconds(60))).isTrue();
        assertThat(queue.release(one)).isTrue();
        assertThat(replays(queue, later, one)).isZero();

        // Dead, replayed alone: generation 1; dead again, replayed with all the clinic's: 2.
        deadLetter(queue, one, later);
        assertThat(queue.replay(CLINIC, one, later)).isEqualTo(new SyncQueue.Replay.Replayed(one));
        assertThat(replays(queue, later, one)).isEqualTo(1);
        deadLetter(queue, one, later);
        deadLetter(queue, other, later);
        assertThat(queue.replayAll(CLINIC, later).replayed()).isEqualTo(2);
        assertThat(replays(queue, later, one)).isEqualTo(2);
        assertThat(replays(queue, later, other)).isEqualTo(1);

        // A retry after the replay keeps its generation.
        assertThat(queue.claim(one, later, later.plusSeconds(60))).isTrue();
        assertThat(queue.scheduleRetry(one, 1, later, "no ACK", later)).isTrue();
        assertThat(replays(queue, later, one)).isEqualTo(2);
    }

    private static void deadLetter(SyncQueue queue, long task, Instant now) {
        assertThat(queue.claim(task, now, now.plusSeconds(60))).isTrue();
        assertThat(queue.deadLetter(task, 5, "the EHR answered AE", now)).isTrue();
    }

    /** The generation the sync route reads with the due task. */
    private static int replays(SyncQueue queue, Instant now, long task) {
        return queue.due(CLINIC, now, 50, true).stream().filter(t -> t.id() == task).findFirst().orElseThrow().replays();
    }
}
