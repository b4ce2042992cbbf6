package org.ketabridge.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.TestDatabases;
import org.ketabridge.support.TestTasks;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The gate's shapes outlive the process, on H2 and on PostgreSQL: an admission is written once
 * and never overwrites a failure; a failure overwrites an admission; a start loads only the shapes
 * of its own versions, and deletes those of others. A hold's statements run on both as well.
 */
class GateShapesTest {

    private static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
    private static final GateShapes.Versions CURRENT = new GateShapes.Versions("8.0.0", "settings", "digest-1");
    private static final GateShapes.Versions OLDER = new GateShapes.Versions("7.6.0", "settings", "digest-0");

    @Test
    void onH2() {
        shapesAndHolds(TestDatabases.h2("gate-shapes"));
    }

    @Test
    void onPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            shapesAndHolds(postgres.getPostgresDatabase());
        }
    }

    private static void shapesAndHolds(DataSource db) {
        TestDatabases.migrate(db);
        JdbcClient jdbc = JdbcClient.create(new JdbcTemplate(db));
        GateShapes shapes = new GateShapes(jdbc);

        shapes.admitted("admitted", 5, CURRENT, NOW);
        shapes.admitted("admitted", 5, CURRENT, NOW); // twice: still one row
        shapes.failed("failed-first", CURRENT, NOW);
        shapes.admitted("failed-first", 5, CURRENT, NOW);
        shapes.admitted("admitted-then-failed", 5, CURRENT, NOW);
        shapes.failed("admitted-then-failed", CURRENT, NOW);
        shapes.admitted("of-an-older-hapi", 5, OLDER, NOW);

        assertThat(shapes.load(CURRENT)).containsExactly(
                new GateShapes.Stored("admitted-then-failed", GateShapes.FAILED, 5),
                new GateShapes.Stored("failed-first", GateShapes.FAILED, 0),
                new GateShapes.Stored("admitted", GateShapes.ADMITTED, 5));
        assertThat(shapes.load(OLDER)).extracting(GateShapes.Stored::shapeKey).containsExactly("of-an-older-hapi");
        assertThat(shapes.forgetOtherVersions(CURRENT)).as("the older HAPI's shape").isEqualTo(1);
        assertThat(shapes.load(OLDER)).as("an upgrade leaves no shapes behind").isEmpty();
        assertThat(shapes.load(CURRENT)).hasSize(3);

        long task = TestTasks.queuedEncounter(db, "shapes", "E-1", NOW);
        long version = jdbc.sql("select record_version_id from sync_task where id = ?").param(task).query(Long.class).single();
        GateHolds.Hold hold = new GateHolds(jdbc, new DataSourceTransactionManager(db)).hold(version, "error", "note", NOW);
        assertThat(hold).isEqualTo(new GateHolds.Hold(task, SyncQueue.DEAD, null));
    }
}
