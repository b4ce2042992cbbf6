package org.ketabridge.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.OffsetDateTime;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.TestDatabases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An installation upgraded to V7 keeps every receipt's lines: the rows of the old receipt_item
 * table become each receipt's document, in line order, and the receipt API reads them as before.
 * On both databases the bridge runs on.
 */
class ReceiptLinesMigrationTest {

    @Test
    void receiptLinesSurviveTheUpgradeOnH2() {
        upgradeKeepsReceiptLines(TestDatabases.h2("receipt-lines-migration"));
    }

    @Test
    void receiptLinesSurviveTheUpgradeOnPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            upgradeKeepsReceiptLines(postgres.getPostgresDatabase());
        }
    }

    private static void upgradeKeepsReceiptLines(DataSource dataSource) {
        TestDatabases.migrateTo(dataSource, "6");
        JdbcClient jdbc = JdbcClient.create(dataSource);
        OffsetDateTime at = OffsetDateTime.parse("2026-11-03T09:30:00Z");
        for (String receipt : List.of("r-1", "r-2", "r-empty")) {
            jdbc.sql("insert into receipt (receipt_id, clinic_id, kind, channel, received_at, accepted_count, unchanged_count,"
                    + " rejected_count, rejections) values (?, 'demo', 'encounters', 'http', ?, 2, 0, 0, '[]')")
                    .params(receipt, at).update();
        }
        long first = version(jdbc, "E-1", 1, "r-1", at);
        long second = version(jdbc, "E-1", 2, "r-2", at);
        long other = version(jdbc, "E-2", 1, "r-1", at);
        item(jdbc, "r-1", 7, "E-2", "CREATED", other); // inserted out of line order on purpose
        item(jdbc, "r-1", 3, "E-1", "CREATED", first);
        item(jdbc, "r-2", 1, "E-1", "UPDATED", second);
        item(jdbc, "r-2", 2, "E-2", "UNCHANGED", other);

        TestDatabases.migrate(dataSource);

        // Read with another JSON naming than the default: the stored names must not depend on it.
        ObjectMapper otherNaming = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        Receipts receipts = new Receipts(new JdbcTemplate(dataSource), otherNaming);
        assertThat(receipts.itemStatuses(receipts.find("demo", "r-1").orElseThrow().items())).extracting(s -> s.line() + " " + s.recordId() + " v" + s.version() + " " + s.outcome())
                .containsExactly("3 E-1 v1 CREATED", "7 E-2 v1 CREATED");
        assertThat(receipts.itemStatuses(receipts.find("demo", "r-2").orElseThrow().items())).extracting(s -> s.line() + " " + s.recordId() + " v" + s.version() + " " + s.outcome())
                .containsExactly("1 E-1 v2 UPDATED", "2 E-2 v1 UNCHANGED");
        assertThat(receipts.itemStatuses(receipts.find("demo", "r-empty").orElseThrow().items())).isEmpty();
        // The receipt's texts are unbounded now: a 16 MB request refused line by line fits.
        String manyRejections = "[" + "{\"line\":1,\"errors\":[]},".repeat(60_000) + "{}]";
        jdbc.sql("update receipt set rejections = ? where receipt_id = 'r-1'").param(manyRejections).update();
        assertThat(jdbc.sql("select rejections from receipt where receipt_id = 'r-1'").query(String.class).single())
                .hasSize(manyRejections.length());
    }

    private static long version(JdbcClient jdbc, String recordId, int version, String receiptId, OffsetDateTime at) {
        jdbc.sql("insert into record_version (clinic_id, kind, record_id, version, patient_mrn, content, content_hash,"
                + " receipt_id, received_at) values ('demo', 'ENCOUNTER', ?, ?, 'MRN-1', '{}', 'h', ?, ?)")
                .params(recordId, version, receiptId, at).update();
        return jdbc.sql("select id from record_version where record_id = ? and version = ?").params(recordId, version)
                .query(Long.class).single();
    }

    private static void item(JdbcClient jdbc, String receiptId, int line, String recordId, String outcome, long versionId) {
        jdbc.sql("insert into receipt_item (receipt_id, line, kind, record_id, outcome, record_version_id)"
                + " values (?, ?, 'ENCOUNTER', ?, ?, ?)").params(receiptId, line, recordId, outcome, versionId).update();
    }
}
