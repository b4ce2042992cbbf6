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

        assertThat(intents.creating(key, "h1", "{\"v\":1}", 7L, AT)).isTrue();
        assertThat(intents.creating(key, "h1", "{\"v\":1}", 8L, AT)).as("a second writer does not POST it too").isFalse();
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

        assertThat(intents.creating(byId, null, null, 7L, AT)).isTrue();
        intents.forget(byId);
        assertThat(intents.find(byId)).as("a create that certainly did not happen goes").isEmpty();
    }
}
