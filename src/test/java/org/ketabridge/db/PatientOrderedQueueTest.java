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
 * The due query of an HL7 v2 clinic (issue 14, {@code patientOrder}), on both databases: a task
 * waits while an older task of its patient is PENDING (due or to be retried) or UNCERTAIN; an older
 * WAITING task, or an older PENDING version queued behind a WAITING version of its record, does
 * not hold the patient up (it waits for something newer: holding the patient would deadlock); other
 * patients and finished tasks never do. A FHIR clinic's due query is as before.
 */
class PatientOrderedQueueTest {

    private static final Instant NOW = Instant.parse("2026-12-02T16:00:00Z");
    private static final String CLINIC = "hl7north";

    @Test
    void onH2() {
        patientOrder(TestDatabases.h2("patient-ordered-queue"));
    }

    @Test
    void onPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            patientOrder(postgres.getPostgresDatabase());
        }
    }

    private static void patientOrder(DataSource dataSource) {
        TestDatabases.migrate(dataSource);
        JdbcTemplate template = new JdbcTemplate(dataSource);
        JdbcClient jdbc = JdbcClient.create(template);
        receipt(jdbc);
        RecordVersions records = new RecordVersions(template);
        SyncQueue queue = new SyncQueue(template);
        // Oldest first, as accepted.
        long aPatient = task(records, queue, jdbc, "PATIENT", "A", 1, "A");        // to be retried later
        long aEncounter = task(records, queue, jdbc, "ENCOUNTER", "E-A", 1, "A");
        long bDose = task(records, queue, jdbc, "DOSE", "D-B", 1, "B");            // waits for its encounter
        long bDoseCorrected = task(records, queue, jdbc, "DOSE", "D-B", 2, "B");   // behind that wait
        long bEncounter = task(records, queue, jdbc, "ENCOUNTER", "E-B", 1, "B");
        long cPatient = task(records, queue, jdbc, "PATIENT", "C", 1, "C");        // uncertain
        long cScore = task(records, queue, jdbc, "SCORE", "S-C", 1, "C");
        long dPatient = task(records, queue, jdbc, "PATIENT", "D", 1, "D");        // dead letter
        long dEncounter = task(records, queue, jdbc, "ENCOUNTER", "E-D", 1, "D");  // sent
        long dScore = task(records, queue, jdbc, "SCORE", "S-D", 1, "D");

        assertThat(queue.claim(aPatient, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.scheduleRetry(aPatient, 1, NOW.plusSeconds(600), "no ACK", NOW)).isTrue();
        assertThat(queue.claim(bDose, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.markWaiting(bDose, "ENCOUNTER", "E-B", NOW)).isTrue();
        assertThat(queue.claim(cPatient, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.markUncertain(cPatient, 1, "lost answer", NOW)).isTrue();
        assertThat(queue.claim(dPatient, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.deadLetter(dPatient, 1, "the EHR answered AE", NOW)).isTrue();
        assertThat(queue.claim(dEncounter, NOW, NOW.plusSeconds(60))).isTrue();
        assertThat(queue.markSent(dEncounter, "Encounter/kb-e-d", NOW)).isTrue();

        Instant later = NOW.plusSeconds(1);
        // A's encounter waits for A's registration; B's encounter goes though B's dose (and its
        // correction) wait for it; C's score waits for C's uncertain registration; D's score goes.
        assertThat(ids(queue.due(CLINIC, later, 50, true))).containsExactly(bEncounter, dScore);
        // A FHIR clinic's query: only a record's own older versions hold a task.
        assertThat(ids(queue.due(CLINIC, later, 50, false))).containsExactly(aEncounter, bEncounter, cScore, dScore);
        assertThat(ids(queue.due(CLINIC, later, 50))).isEqualTo(ids(queue.due(CLINIC, later, 50, false)));

        // Once A's registration is retried and sent, its encounter is due; a finished patient holds nothing.
        Instant retried = NOW.plusSeconds(601);
        assertThat(ids(queue.due(CLINIC, retried, 50, true))).containsExactly(aPatient, bEncounter, dScore);
        assertThat(queue.claim(aPatient, retried, retried.plusSeconds(60))).isTrue();
        assertThat(queue.markSent(aPatient, "Patient/kb-p-a", retried)).isTrue();
        assertThat(ids(queue.due(CLINIC, retried, 50, true))).containsExactly(aEncounter, bEncounter, dScore);
        assertThat(bDoseCorrected).as("never due before the version it corrects").isNotIn(ids(queue.due(CLINIC, retried, 50, true)));
    }

    /** The receipt {@code r} the versions of {@link #task} belong to. */
    static void receipt(JdbcClient jdbc) {
        jdbc.sql("insert into receipt (receipt_id, clinic_id, kind, channel, received_at, accepted_count, unchanged_count,"
                + " rejected_count, rejections, items) values ('r', ?, 'mixed', 'http', ?, 12, 0, 0, '[]', '[]')")
                .params(CLINIC, OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC)).update();
    }

    /** A version of a record of patient {@code mrn} of the clinic, and its task (PENDING): the task's id. */
    static long task(RecordVersions records, SyncQueue queue, JdbcClient jdbc, String kind, String recordId, int version,
                             String mrn) {
        long versionId = records.insertAll(List.of(new RecordVersions.NewVersion(CLINIC, kind, recordId, version, mrn, null,
                "{\"v\":" + version + "}", "hash-" + recordId + "-" + version, "r", NOW, null))).get(0);
        queue.enqueueAll(List.of(new SyncQueue.NewTask(versionId, kind, recordId)), CLINIC, NOW);
        return jdbc.sql("select id from sync_task where record_version_id = ?").param(versionId).query(Long.class).single();
    }

    private static List<Long> ids(List<SyncTask> tasks) {
        return tasks.stream().map(SyncTask::id).toList();
    }
}
