package org.ketabridge.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.SharedResources;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.ehr.fhir.EhrPlans;
import org.ketabridge.support.MovableClock;
import org.ketabridge.support.TestClinics;
import org.ketabridge.support.TestDatabases;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One writer per task (issue 13): two bridge processes sharing one database, each its own writer
 * (its own {@link SyncQueue} writer id, {@link TaskClaims} and {@link SyncTaskSource}), never both
 * take one task: racing for the same due tasks, each task goes to exactly one of them. A process
 * that dies holding tasks blocks them for one lease, no longer: then the next process takes them
 * over, and whatever the dead one's writes answer late is not recorded. A lease its holder keeps
 * renewing is never taken. On H2 and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneWriterPerTaskTest {

    private static final Instant START = Instant.parse("2026-11-03T16:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final String[] CLINICS = {"race", "takeover", "renewed", "stopping"};

    private EmbeddedPostgres postgres;
    private HikariDataSource pooledPostgres;
    private DataSource h2;

    @BeforeAll
    void databases() throws Exception {
        h2 = TestDatabases.migratedH2("one-writer-per-task");
        postgres = EmbeddedPostgres.builder().start();
        TestDatabases.migrate(postgres.getPostgresDatabase());
        // Pooled, as the bridge's is: a new PostgreSQL connection per statement would make the race slow, not tight.
        pooledPostgres = new HikariDataSource();
        pooledPostgres.setDataSource(postgres.getPostgresDatabase());
        pooledPostgres.setMaximumPoolSize(4);
    }

    @AfterAll
    void stopPostgres() throws Exception {
        pooledPostgres.close();
        postgres.close();
    }

    Stream<String> bothDatabases() {
        return Stream.of("H2", "PostgreSQL");
    }

    private DataSource database(String name) {
        return name.equals("H2") ? h2 : pooledPostgres;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothDatabases")
    void twoWritersRacingForTheSameTasksNeverBothTakeOne(String db) throws Exception {
        DataSource ds = database(db);
        MovableClock clock = new MovableClock(START);
        Writer a = new Writer(ds, "writer-a", clock);
        Writer b = new Writer(ds, "writer-b", clock);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                Set<Long> tasks = new HashSet<>(enqueue(ds, "race", "R" + round + "-", 12));
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Poll> byA = threads.submit(() -> a.drainAndSend("race", together));
                Future<Poll> byB = threads.submit(() -> b.drainAndSend("race", together));
                Poll pollA = byA.get();
                Poll pollB = byB.get();

                List<Long> all = new ArrayList<>(pollA.taken());
                all.addAll(pollB.taken());
                assertThat(all).as("round %d: every task handed out exactly once, to one writer", round)
                        .doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(tasks);
                assertThat(pollA.notItsToRecord()).as("round %d: handed out to A, but A may not record it", round).isEmpty();
                assertThat(pollB.notItsToRecord()).as("round %d: handed out to B, but B may not record it", round).isEmpty();
            }
        } finally {
            threads.shutdownNow();
        }
        // Each writer recorded what it sent (its outcome applied only under its own claim), and nothing is left claimed.
        JdbcClient jdbc = JdbcClient.create(ds);
        assertThat(jdbc.sql("select count(*) from sync_task where clinic_id = 'race' and status = 'SENT'"
                        + " and claimed_by is null").query(Integer.class).single()).isEqualTo(40 * 12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothDatabases")
    void aDeadWritersTasksAreTakenOverAfterOneLeaseAndItsLateOutcomesAreRefused(String db) {
        DataSource ds = database(db);
        MovableClock clock = new MovableClock(START);
        List<Long> tasks = enqueue(ds, "takeover", "T-", 3);
        Writer dead = new Writer(ds, "writer-dead", clock);
        assertThat(dead.drain("takeover")).containsExactlyElementsOf(tasks);
        // The process dies mid-write: its claims stay, nobody renews them. Its restart is a new writer.
        Writer restarted = new Writer(ds, "writer-restarted", clock);
        assertThat(restarted.drain("takeover")).as("a live lease is not taken").isEmpty();

        clock.advance(LEASE.minusSeconds(1));
        assertThat(restarted.drain("takeover")).as("not even a second before it ends").isEmpty();

        clock.advance(Duration.ofSeconds(2));
        assertThat(restarted.drain("takeover")).as("one lease after the last renewal, taken over")
                .containsExactlyElementsOf(tasks);

        // What the dead writer's writes answer late (its thread was only stalled) is recorded nowhere.
        Instant now = clock.instant();
        long first = tasks.get(0);
        long second = tasks.get(1);
        long third = tasks.get(2);
        assertThat(dead.claims.stillOurs(first)).as("the old writer would not start a write").isFalse();
        assertThat(dead.queue.renew(tasks, now.plus(LEASE))).as("nor get its lease back").isEmpty();
        assertThat(dead.queue.markSent(first, "Patient/late", now)).isFalse();
        assertThat(dead.queue.scheduleRetry(second, 1, now, "late failure", now)).isFalse();
        assertThat(dead.queue.deadLetter(third, 1, "late refusal", now)).isFalse();
        assertThat(dead.queue.markWaiting(first, "PATIENT", "MRN-X", now)).isFalse();
        assertThat(dead.queue.release(second)).isFalse();
        assertThat(rows(ds, tasks)).as("untouched: pending, held by the new writer, no attempt counted")
                .allSatisfy(row -> assertThat(row).isEqualTo(new Row("PENDING", "writer-restarted", 0, null)));

        // The new holder's outcomes apply, and end its claims.
        assertThat(restarted.claims.stillOurs(first)).isTrue();
        for (long task : tasks) {
            assertThat(restarted.queue.markSent(task, "Patient/" + task, now)).isTrue();
        }
        // A late "retry" from the dead writer, after the record is in the EHR, does not send it again.
        assertThat(dead.queue.scheduleRetry(first, 1, now, "late failure", now)).isFalse();
        assertThat(rows(ds, tasks)).allSatisfy(row -> assertThat(row).isEqualTo(new Row("SENT", null, 0, null)));
        assertThat(restarted.drain("takeover")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothDatabases")
    void aLeaseItsHolderRenewsIsNeverTakenAndAnOutcomeFreesTheTaskAtOnce(String db) {
        DataSource ds = database(db);
        MovableClock clock = new MovableClock(START);
        List<Long> tasks = enqueue(ds, "renewed", "L-", 2);
        Writer holder = new Writer(ds, "writer-holder", clock);
        Writer other = new Writer(ds, "writer-other", clock);
        assertThat(holder.drain("renewed")).containsExactlyElementsOf(tasks);

        // The holder's writes take longer than a lease (a slow EHR, a paced backlog): it renews.
        clock.advance(Duration.ofSeconds(45));
        holder.claims.renew();
        clock.advance(Duration.ofSeconds(30)); // past the first lease's end
        assertThat(other.drain("renewed")).as("a renewed lease is live").isEmpty();
        assertThat(other.claims.claim(tasks.get(0))).isFalse();
        // Nor does the holder hand out again what it holds.
        assertThat(holder.drain("renewed")).isEmpty();
        assertThat(holder.claims.stillOurs(tasks.get(0))).isTrue();

        // Its outcome ends the claim: due again (a retry now) for any writer, without a lease to wait out.
        Instant now = clock.instant();
        assertThat(holder.queue.scheduleRetry(tasks.get(0), 1, now, "EHR unavailable", now)).isTrue();
        holder.claims.ended(tasks.get(0));
        assertThat(other.drain("renewed")).containsExactly(tasks.get(0));
        assertThat(rows(ds, tasks.subList(0, 1))).containsExactly(new Row("PENDING", "writer-other", 1, "EHR unavailable"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothDatabases")
    void aTaskClaimedAsTheBridgeStopsIsGivenBackForTheNextStart(String db) {
        DataSource ds = database(db);
        MovableClock clock = new MovableClock(START);
        List<Long> tasks = enqueue(ds, "stopping", "S-", 2);
        GenericApplicationContext bridgeContext = new GenericApplicationContext();
        BridgeStopping stopping = new BridgeStopping(bridgeContext);
        Writer stopped = new Writer(ds, "writer-stopped", clock, stopping);

        Iterator<SyncWork> due = stopped.source.due("stopping");
        assertThat(due.hasNext()).isTrue(); // the first task is claimed, about to be handed out
        stopping.onApplicationEvent(new ContextClosedEvent(bridgeContext));
        assertThat(due.hasNext()).isFalse();
        assertThat(stopped.claims.isHeld(tasks.get(0))).isFalse();

        // The next start (a new writer) takes both at once: no lease to wait out.
        Writer next = new Writer(ds, "writer-next", clock);
        assertThat(next.drain("stopping")).containsExactlyElementsOf(tasks);
    }

    /** One bridge process's sync side: its own writer id over the shared database. */
    private static final class Writer {
        final SyncQueue queue;
        final TaskClaims claims;
        final SyncTaskSource source;
        private final Clock clock;

        Writer(DataSource ds, String id, Clock clock) {
            this(ds, id, clock, new BridgeStopping(new GenericApplicationContext()));
        }

        Writer(DataSource ds, String id, Clock clock, BridgeStopping stopping) {
            JdbcTemplate template = new JdbcTemplate(ds);
            // Small batches: the two writers fetch, and race, many times per round.
            BridgeProperties properties = TestClinics.properties(Map.of("bridge.sync.batch-size", "4"));
            ClinicRegistry clinics = TestClinics.registry("UTC", CLINICS);
            this.clock = clock;
            this.queue = new SyncQueue(template, id);
            this.claims = new TaskClaims(queue, clock, LEASE);
            this.source = new SyncTaskSource(queue, new RecordVersions(template), clinics,
                    new CredentialHolds(new RetryPolicy(properties)), stopping, clock, properties,
                    new SharedResources(JdbcClient.create(template)), claims,
                    new EhrAcceptance(new EhrPlans(clinics, FhirContext.forR4Cached())));
        }

        /** Every task a poll hands out, left claimed (as while its write is in flight). */
        List<Long> drain(String clinicId) {
            List<Long> taken = new ArrayList<>();
            source.due(clinicId).forEachRemaining(work -> taken.add(work.task().id()));
            return taken;
        }

        /**
         * A poll as the route runs it: each task handed out is checked before its write and
         * recorded as sent; those whose outcome was refused (another writer held them) are listed.
         */
        Poll drainAndSend(String clinicId, CyclicBarrier together) throws Exception {
            together.await();
            List<Long> taken = new ArrayList<>();
            List<Long> refused = new ArrayList<>();
            Iterator<SyncWork> due = source.due(clinicId);
            while (due.hasNext()) {
                long task = due.next().task().id();
                taken.add(task);
                if (!claims.stillOurs(task) || !queue.markSent(task, "Patient/" + task, clock.instant())) {
                    refused.add(task);
                }
                claims.ended(task);
            }
            return new Poll(taken, refused);
        }
    }

    private record Poll(List<Long> taken, List<Long> notItsToRecord) {
    }

    private record Row(String status, String claimedBy, int attempts, String lastError) {
    }

    private static List<Row> rows(DataSource ds, List<Long> tasks) {
        return tasks.stream().map(id -> JdbcClient.create(ds)
                        .sql("select status, claimed_by, attempts, last_error from sync_task where id = ?").param(id)
                        .query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4)))
                        .single())
                .toList();
    }

    /** {@code n} new patient records of the clinic, each queued: their task ids, oldest first. */
    private static List<Long> enqueue(DataSource ds, String clinicId, String prefix, int n) {
        JdbcTemplate template = new JdbcTemplate(ds);
        String receipt = clinicId + "-" + prefix;
        JdbcClient.create(template).sql("insert into receipt (receipt_id, clinic_id, kind, channel, received_at,"
                        + " accepted_count, unchanged_count, rejected_count, rejections, items)"
                        + " values (?, ?, 'patients', 'http', ?, ?, 0, 0, '[]', '[]')")
                .params(receipt, clinicId, OffsetDateTime.ofInstant(START, ZoneOffset.UTC), n).update();
        List<Long> versions = new RecordVersions(template).insertAll(IntStream.range(0, n)
                .mapToObj(i -> new RecordVersions.NewVersion(clinicId, "PATIENT", prefix + i, 1, prefix + i, null,
                        "{\"synthetic\":" + i + "}", "hash-" + prefix + i, receipt, START, null))
                .toList());
        new SyncQueue(template).enqueueAll(versions.stream()
                .map(v -> new SyncQueue.NewTask(v, "PATIENT", prefix + versions.indexOf(v))).toList(), clinicId, START);
        return JdbcClient.create(template).sql("select id from sync_task where clinic_id = ? and record_id like ? order by id")
                .params(clinicId, prefix + "%").query(Long.class).list();
    }
}
