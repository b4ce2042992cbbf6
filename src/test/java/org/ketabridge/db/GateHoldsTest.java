package org.ketabridge.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.TestDatabases;
import org.ketabridge.support.TestTasks;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A record version the validation gate passed and HAPI's validator then rejected is held: its
 * EHR task, whatever its state, changed by one statement (waiting to go: a dead letter with the
 * validator's error; sent: stays sent, reported so; uncertain: stays uncertain, with a note), its
 * remembered verdict gone, its pending store task told why.
 */
class GateHoldsTest {

    private static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
    private static final String ERROR = "the validation gate passed it, HAPI's full validator did not (tripwire): Encounter.period: per-1";
    private static final String NOTE = "tripwire: do not send it as it is";

    private static DataSource db;
    private static JdbcClient jdbc;
    private static GateHolds holds;
    /** Every statement GateHolds prepared. */
    private static final List<String> statements = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void database() {
        db = TestDatabases.migratedH2("gate-holds");
        jdbc = JdbcClient.create(new JdbcTemplate(db));
        DataSource recording = new DelegatingDataSource(db) {
            @Override
            public Connection getConnection() throws java.sql.SQLException {
                Connection c = super.getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                        (proxy, method, args) -> {
                            if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
                                statements.add(sql);
                            }
                            try {
                                return method.invoke(c, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
        holds = new GateHolds(JdbcClient.create(new JdbcTemplate(recording)), new DataSourceTransactionManager(recording));
    }

    @BeforeEach
    void clear() {
        statements.clear();
    }

    /** A queued encounter of that clinic, its task put in {@code status}, with a stored verdict and a pending store task. */
    private static long version(String recordId, String status) {
        long task = TestTasks.queuedEncounter(db, "holds", recordId, NOW);
        long version = jdbc.sql("select record_version_id from sync_task where id = ?").param(task).query(Long.class).single();
        jdbc.sql("update sync_task set status = ?, waiting_for = case when ? = 'WAITING' then 'PATIENT:M-1' end,"
                        + " last_error = case when ? = 'UNCERTAIN' then 'the answer to a create was lost' end where id = ?")
                .params(status, status, status, task).update();
        new ValidatedVersions(jdbc).add(version, NOW);
        new StoreQueue(new JdbcTemplate(db)).enqueueAll(List.of(version), "holds", NOW);
        return version;
    }

    private static Map<String, Object> task(long version) {
        return jdbc.sql("select status, last_error, note, waiting_for from sync_task where record_version_id = ?")
                .param(version).query().singleRow();
    }

    private static long syncUpdates() {
        return statements.stream().filter(s -> s.toLowerCase().startsWith("update sync_task")).count();
    }

    @Test
    void aPendingOrWaitingTaskBecomesADeadLetterWithTheValidatorsError() {
        for (String status : List.of("PENDING", "WAITING")) {
            long version = version("E-" + status, status);
            GateHolds.Hold hold = holds.hold(version, ERROR, NOTE, NOW);

            assertThat(hold.syncStatus()).isEqualTo("DEAD");
            assertThat(hold.sentBeforeCaught()).isFalse();
            assertThat(task(version)).containsEntry("STATUS", "DEAD").containsEntry("LAST_ERROR", ERROR)
                    .containsEntry("WAITING_FOR", null);
            assertThat(new ValidatedVersions(jdbc).contains(version)).as("its verdict is gone: it is validated in full again").isFalse();
            assertThat(jdbc.sql("select status, last_error from store_task where record_version_id = ?").param(version)
                    .query().singleRow()).containsEntry("STATUS", "PENDING").containsEntry("LAST_ERROR", ERROR);
        }
        assertThat(syncUpdates()).as("one statement per hold for the EHR task").isEqualTo(2);
    }

    @Test
    void aSentTaskStaysSentAndIsReportedAsSentBeforeTheTripwireCaughtIt() {
        long version = version("E-SENT", "SENT");
        GateHolds.Hold hold = holds.hold(version, ERROR, NOTE, NOW);

        assertThat(hold.sentBeforeCaught()).isTrue();
        assertThat(task(version)).containsEntry("STATUS", "SENT").containsEntry("LAST_ERROR", null).containsEntry("NOTE", null);
        assertThat(syncUpdates()).isEqualTo(1);
    }

    @Test
    void anUncertainTaskStaysUncertainWithANote() {
        long version = version("E-UNCERTAIN", "UNCERTAIN");
        GateHolds.Hold hold = holds.hold(version, ERROR, NOTE, NOW);

        assertThat(hold.syncStatus()).isEqualTo("UNCERTAIN");
        assertThat(task(version)).containsEntry("STATUS", "UNCERTAIN").containsEntry("NOTE", NOTE)
                .containsEntry("LAST_ERROR", "the answer to a create was lost");
        assertThat(syncUpdates()).isEqualTo(1);
    }

    @Test
    void aWriteUnderWayWhenTheVersionIsHeldEndsAsItEnds() {
        SyncQueue writer = new SyncQueue(new JdbcTemplate(db), "writer-1");
        long version = version("E-IN-FLIGHT", "PENDING");
        long task = jdbc.sql("select id from sync_task where record_version_id = ?").param(version).query(Long.class).single();
        assertThat(writer.claim(task, NOW, NOW.plusSeconds(60))).isTrue();

        assertThat(holds.hold(version, ERROR, NOTE, NOW).syncStatus()).isEqualTo("DEAD");
        // The EHR confirmed the write that was under way: the task says so, and so does the hold.
        assertThat(writer.markSent(task, "Encounter/1", NOW)).isTrue();
        assertThat(holds.state(version).sentBeforeCaught()).isTrue();
    }
}
