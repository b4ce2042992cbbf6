package org.ketabridge.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.TestDatabases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The statements the REMS form is built from, on H2 and on PostgreSQL (the end-to-end tests of the
 * form run on H2 only): the sessions of a period (the latest version of each encounter first
 * received since its start), the latest dose of each session, the latest version of named records
 * across more than one IN list, and the session notes intake leaves for the refill. Ids with a dot
 * and an underscore, as the contract allows.
 */
class RemsQueriesTest {

    private static final String CLINIC = "north.side_1";
    private static final Instant MONDAY = Instant.parse("2026-11-02T09:00:00Z");
    private static final Instant TUESDAY = MONDAY.plusSeconds(86_400);

    @Test
    void onH2() {
        remsQueries(TestDatabases.h2("rems-queries"));
    }

    @Test
    void onPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            remsQueries(postgres.getPostgresDatabase());
        }
    }

    private static void remsQueries(DataSource db) {
        TestDatabases.migrate(db);
        JdbcTemplate template = new JdbcTemplate(db);
        JdbcClient.create(template).sql("insert into receipt (receipt_id, clinic_id, kind, channel, received_at,"
                        + " accepted_count, unchanged_count, rejected_count, rejections, items)"
                        + " values ('r', ?, 'encounters', 'http', ?, 1, 0, 0, '[]', '[]')")
                .params(CLINIC, utc(MONDAY)).update();
        RecordVersions records = new RecordVersions(template);
        records.insertAll(List.of(
                // E.1_a: first received Monday, corrected Tuesday; E.2_b: Tuesday only; another clinic's E.3_c.
                version("ENCOUNTER", "E.1_a", 1, null, MONDAY), version("ENCOUNTER", "E.1_a", 2, null, TUESDAY),
                version("ENCOUNTER", "E.2_b", 1, null, TUESDAY),
                new RecordVersions.NewVersion("other", "ENCOUNTER", "E.3_c", 1, "MRN-9", null, "{}", "h", "r", TUESDAY, null),
                // D.1_a belonged to E.1_a, then was corrected to E.2_b; D.2_b is E.1_a's.
                version("DOSE", "D.1_a", 1, "E.1_a", MONDAY), version("DOSE", "D.1_a", 2, "E.2_b", TUESDAY),
                version("DOSE", "D.2_b", 1, "E.1_a", MONDAY)));

        assertThat(records.latestReceivedSince(CLINIC, "ENCOUNTER", TUESDAY))
                .as("a session is in by its first version: E.1_a's correction on Tuesday does not make it Tuesday's")
                .extracting(v -> v.recordId() + " v" + v.version()).containsExactly("E.2_b v1");
        assertThat(records.latestReceivedSince(CLINIC, "ENCOUNTER", MONDAY))
                .extracting(v -> v.recordId() + " v" + v.version()).containsExactlyInAnyOrder("E.1_a v2", "E.2_b v1");
        assertThat(records.latestOfEncounters(CLINIC, "DOSE", List.of("E.1_a")))
                .as("the dose corrected to another session is no longer E.1_a's")
                .extracting(v -> v.recordId() + " v" + v.version()).containsExactly("D.2_b v1");
        assertThat(records.latestOfEncounters(CLINIC, "DOSE", List.of("E.2_b", "E.1_a")))
                .extracting(v -> v.recordId() + " v" + v.version()).containsExactlyInAnyOrder("D.1_a v2", "D.2_b v1");

        // More ids than one IN list holds (500): the missing ones are absent, the stored ones found.
        List<String> many = IntStream.range(0, 1_200).mapToObj(i -> "E.x_" + i).collect(Collectors.toList());
        many.add(700, "E.1_a");
        many.add("E.2_b");
        assertThat(records.latestOf(CLINIC, "ENCOUNTER", many)).hasSize(2)
                .hasEntrySatisfying("E.1_a", v -> assertThat(v.version()).isEqualTo(2))
                .hasEntrySatisfying("E.2_b", v -> assertThat(v.version()).isEqualTo(1));

        SessionChanges changes = new SessionChanges(template);
        changes.noteAll(CLINIC, List.of(new SessionChanges.Noted("E.1_a", "r"), new SessionChanges.Noted("E.2_b", "r")), MONDAY);
        changes.noteAll("other", List.of(new SessionChanges.Noted("E.3_c", "r")), TUESDAY);
        List<SessionChanges.Change> first = changes.oldest(2);
        assertThat(first).extracting(c -> c.clinicId() + " " + c.encounterId())
                .as("oldest first, at most the limit").containsExactly(CLINIC + " E.1_a", CLINIC + " E.2_b");
        changes.removeAll(first.stream().map(SessionChanges.Change::id).toList());
        assertThat(changes.pending()).as("only the notes read are removed").isEqualTo(1);
        assertThat(changes.oldest(10)).extracting(SessionChanges.Change::encounterId).containsExactly("E.3_c");
    }

    private static RecordVersions.NewVersion version(String kind, String recordId, int version, String encounterId, Instant at) {
        return new RecordVersions.NewVersion(CLINIC, kind, recordId, version, "MRN-1", encounterId, "{\"v\":" + version + "}",
                "hash-" + recordId + "-" + version, "r", at, null);
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
