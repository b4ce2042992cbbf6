package org.ketabridge.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.TestDatabases;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The alerts' state and outbox (V26) on H2 and on PostgreSQL: a change is made once (a second
 * process expecting the same transition loses), its notification is due until delivered, a claim
 * holds it for one sender until its lease ends, a failure puts it off, and a delivery ends it.
 */
class AlertStatesTest {

    private static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");

    @Test
    void onH2() {
        stateAndOutbox(TestDatabases.h2("alert-states"));
    }

    @Test
    void onPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            stateAndOutbox(postgres.getPostgresDatabase());
        }
    }

    private static void stateAndOutbox(DataSource db) {
        TestDatabases.migrate(db);
        AlertStates states = new AlertStates(new JdbcTemplate(db));

        assertThat(states.change("east", "dead-letters-growing", AlertStates.FIRING, 1, NOW, "{\"n\":1}")).isTrue();
        assertThat(states.change("east", "dead-letters-growing", AlertStates.FIRING, 1, NOW, "{\"n\":1}"))
                .as("the same first firing by a second process").isFalse();
        assertThat(states.of("east")).containsExactly(new AlertStates.Stored("dead-letters-growing", AlertStates.FIRING, 1));

        List<AlertStates.Due> due = states.due(List.of("east", "west"), NOW, 10);
        assertThat(due).extracting(AlertStates.Due::event, AlertStates.Due::transition, AlertStates.Due::body)
                .containsExactly(tuple("dead-letters-growing", 1L, "{\"n\":1}"));
        AlertStates.Due firing = due.get(0);
        assertThat(states.claim(firing, NOW, NOW.plusSeconds(120))).isTrue();
        assertThat(states.claim(firing, NOW, NOW.plusSeconds(120))).as("claimed by another sender").isFalse();
        assertThat(states.due(List.of("east"), NOW.plusSeconds(60), 10)).as("within the lease").isEmpty();

        states.failed(firing, NOW.plusSeconds(200), "HTTP 500");
        assertThat(states.due(List.of("east"), NOW.plusSeconds(199), 10)).isEmpty();
        assertThat(states.due(List.of("east"), NOW.plusSeconds(200), 10)).extracting(AlertStates.Due::attempts).containsExactly(1);

        states.delivered(firing);
        assertThat(states.due(List.of("east"), NOW.plusSeconds(1_000), 10)).as("delivered").isEmpty();

        assertThat(states.change("east", "dead-letters-growing", AlertStates.RESOLVED, 1, NOW, "{}"))
                .as("a change that expects the wrong transition").isFalse();
        assertThat(states.change("east", "dead-letters-growing", AlertStates.RESOLVED, 2, NOW.plusSeconds(900), "{}")).isTrue();
        assertThat(states.due(List.of("east"), NOW.plusSeconds(900), 10)).extracting(AlertStates.Due::status, AlertStates.Due::attempts)
                .containsExactly(tuple(AlertStates.RESOLVED, 0));
    }
}
