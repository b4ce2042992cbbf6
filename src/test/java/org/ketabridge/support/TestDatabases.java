package org.ketabridge.support;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The bridge's database for a test that runs without the bridge: H2 in memory, with the bridge's
 * own migrations ({@code db/migration}, as Flyway applies them at start-up), so the tables a test
 * writes are exactly those the bridge has.
 */
public final class TestDatabases {

    private static final String MIGRATIONS = "classpath:db/migration";

    private TestDatabases() {
    }

    /** An empty in-memory H2 database of that name, kept until the JVM ends (a test class names its own). */
    public static DataSource h2(String name) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    /** {@link #h2(String)} with every migration applied. */
    public static DataSource migratedH2(String name) {
        DataSource h2 = h2(name);
        migrate(h2);
        return h2;
    }

    /** Applies every migration not applied yet (H2 or PostgreSQL). */
    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations(MIGRATIONS).load().migrate();
    }

    /** Applies the migrations up to that version only: a database as an older bridge left it. */
    public static void migrateTo(DataSource dataSource, String version) {
        Flyway.configure().dataSource(dataSource).locations(MIGRATIONS).target(version).load().migrate();
    }
}
