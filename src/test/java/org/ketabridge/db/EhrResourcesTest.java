package org.ketabridge.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.support.TestDatabases;
import org.ketabridge.support.TestTasks;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The create-update intent log (V14) on H2 and PostgreSQL: one row per resource, taken by one
 * writer only (a second intent to create the same resource is refused, so it is not POSTed), and
 * a CREATED row is never forgotten.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EhrResourcesTest {

    private static final Instant AT = Instant.parse("2026-11-03T16:00:00Z");

    private EmbeddedPostgres postgres;
    private DataSource h2;

    @BeforeAll
    void databases() throws Exception {
        h2 = TestDatabases.migratedH2("ehr-resources");
        postgres = EmbeddedPostgres.builder().start();
        TestDatabases.migrate(postgres.getPostgresDatabase());
    }

    @AfterAll
    void stop() throws Exception {
        postgres.close();
    }

    Stream<String> bothDatabases() {
        return Stream.of("H2", "PostgreSQL");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothDatabases")
    void aResourceIsCreatingForOneWriterOnlyThenUncertainOrCreated(String db) {
        DataSource ds = "H2".equals(db) ? h2 : postgres.getPostgresDatabase();
        EhrResources intents = new EhrResources(JdbcClient.create(ds), new DataSourceTransactionManager(ds));
        EhrResources.Key key = new EhrResources.Key("north", "Observation", "urn:ketabridge:north/vital", "V-1-" + db);
        EhrResources.Key byId = new EhrResources.Key("north", "Provenance", null, "kb-1-" + db);

        assertThat(intents.creating(key, "h1", "{\"v\":1}", 7L, AT)).isEqualTo(EhrResources.Intent.RECORDED);
        assertThat(intents.creating(key, "h1", "{\"v\":1}", 8L, AT)).as("a second writer does not POST it too")
                .isEqualTo(EhrResources.Intent.ALREADY_RECORDED);
        assertThat(intents.find(key).orElseThrow().state()).isEqualTo(EhrResources.CREATING);
        assertThat(intents.find(key).orElseThrow().taskId()).isEqualTo(7L);

        intents.uncertain(key, AT);
        assertThat(intents.find(key).orElseThrow().state()).isEqualTo(EhrResources.UNCERTAIN);

        assertThat(intents.find(key).orElseThrow().sentBody()).isEqualTo("{\"v\":1}");

        intents.created(key, "123", "1", "h2", "{\"v\":2}", 7L, AT);
        intents.forget(key);
        intents.uncertain(key, AT);
        assertThat(intents.find(key).orElseThrow()).as("CREATED is never forgotten or made uncertain")
                .extracting(EhrResources.Entry::state, EhrResources.Entry::ehrId, EhrResources.Entry::ehrVersion)
                .containsExactly(EhrResources.CREATED, "123", "1");
        assertThat(intents.find(key).orElseThrow().sentBody()).as("the body last sent, which a patch is computed from (V17)")
                .isEqualTo("{\"v\":2}");

        assertThat(intents.creating(byId, null, null, 7L, AT)).isEqualTo(EhrResources.Intent.RECORDED);
        intents.forget(byId);
        assertThat(intents.find(byId)).as("a create that certainly did not happen goes").isEmpty();
    }

    /**
     * The intent to create is recorded only while the writer holds the task's claim (checked in
     * the same statement): a writer whose lease ran out, or whose task another writer took over,
     * sends no POST. And clinic IT's settling of an uncertain task: adopt the id they found, or
     * forget the intents so the resource is created.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bothDatabases")
    void anIntentNeedsTheTasksClaimAndAnUncertainOneIsSettledByClinicIt(String db) {
        DataSource ds = "H2".equals(db) ? h2 : postgres.getPostgresDatabase();
        JdbcTemplate template = new JdbcTemplate(ds);
        JdbcClient jdbc = JdbcClient.create(template);
        String record = "E-2_" + db + ".x";
        long task = TestTasks.queuedEncounter(ds, "north", record, AT);
        SyncQueue first = new SyncQueue(template, "writer-first-" + db);
        SyncQueue second = new SyncQueue(template, "writer-second-" + db);
        EhrResources firstsIntents = new EhrResources(jdbc, new DataSourceTransactionManager(ds), first);
        EhrResources.Key encounter = new EhrResources.Key("north", "Encounter", "urn:ketabridge:north/encounter", record);
        EhrResources.Key vital = new EhrResources.Key("north", "Observation", "urn:ketabridge:north/vital", record + ":hr");

        assertThat(firstsIntents.creating(encounter, "h", null, task, AT)).as("not claimed by anyone")
                .isEqualTo(EhrResources.Intent.TASK_NOT_HELD);
        assertThat(first.claim(task, AT, AT.plusSeconds(60))).isTrue();
        assertThat(firstsIntents.creating(encounter, "h", null, task, AT.plusSeconds(61))).as("its lease is over")
                .isEqualTo(EhrResources.Intent.TASK_NOT_HELD);
        assertThat(second.claim(task, AT.plusSeconds(61), AT.plusSeconds(121))).as("taken over").isTrue();
        assertThat(firstsIntents.creating(encounter, "h", null, task, AT.plusSeconds(62))).as("another writer holds it")
                .isEqualTo(EhrResources.Intent.TASK_NOT_HELD);
        assertThat(firstsIntents.find(encounter)).isEmpty();

        EhrResources secondsIntents = new EhrResources(jdbc, new DataSourceTransactionManager(ds), second);
        assertThat(secondsIntents.creating(encounter, "h", null, task, AT.plusSeconds(62))).isEqualTo(EhrResources.Intent.RECORDED);
        assertThat(secondsIntents.creating(vital, "h2", null, task, AT.plusSeconds(62))).isEqualTo(EhrResources.Intent.RECORDED);
        secondsIntents.uncertain(vital, AT.plusSeconds(63));
        // A conditional create sent again (its answer lost) needs the claim too.
        assertThat(firstsIntents.resending(vital, "h2", null, task, AT.plusSeconds(63))).as("another writer holds it").isFalse();
        assertThat(secondsIntents.resending(vital, "h2", null, task, AT.plusSeconds(63))).isTrue();
        secondsIntents.uncertain(vital, AT.plusSeconds(63));
        assertThat(second.markUncertain(task, 1, "uncertain: the answer was lost", AT.plusSeconds(63))).isTrue();
        assertThat(second.countsByStatus("north")).containsEntry("uncertain", 1);
        assertThat(second.uncertain("north")).singleElement().satisfies(u -> {
            assertThat(u.id()).isEqualTo(task);
            assertThat(u.recordId()).isEqualTo(record);
            assertThat(u.reason()).isEqualTo("uncertain: the answer was lost");
        });
        assertThat(secondsIntents.unsettled("north", task)).containsExactly(encounter, vital);

        assertThat(secondsIntents.adopt(vital, "obs-9", AT.plusSeconds(70))).isTrue();
        assertThat(secondsIntents.find(vital).orElseThrow()).extracting(EhrResources.Entry::state, EhrResources.Entry::ehrId,
                EhrResources.Entry::sentHash).containsExactly(EhrResources.CREATED, "obs-9", "h2");
        assertThat(secondsIntents.forgetUnsettled("north", task)).as("the encounter, not the adopted vital").isEqualTo(1);
        assertThat(secondsIntents.find(encounter)).isEmpty();
        assertThat(second.settleUncertain("north", task, AT.plusSeconds(70))).isTrue();
        assertThat(second.settleUncertain("north", task, AT.plusSeconds(70))).as("settled once").isFalse();
        assertThat(second.countsByStatus("north")).containsEntry("uncertain", 0).containsEntry("pending", 1);
    }
}
