package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The progress of each file a clinic dropped (V20; one per drop, V23): which receipt it fills and how many of its
 * rows are committed. Advanced in the same transaction as each part's records, so it never says
 * more or less than what is stored.
 */
@Repository
public class IntakeFiles {

    private static final RowMapper<IntakeFile> ROW = Rows.of(IntakeFile.class);

    private final JdbcClient jdbc;

    public IntakeFiles(JdbcTemplate template) {
        this.jdbc = JdbcClient.create(template);
    }

    private static final String COLUMNS = "clinic_id, content_hash, file_name, size_bytes, receipt_id, rows_committed,"
            + " started_at, finished_at";

    /** A file's progress: its receipt, its rows committed, and whether every row is. */
    public record IntakeFile(String clinicId, String contentHash, String fileName, long sizeBytes, String receiptId,
                             long rowsCommitted, OffsetDateTime startedAt, OffsetDateTime finishedAt) {
        public boolean finished() {
            return finishedAt != null;
        }
    }

    /** The file of this content not read to the end yet, if any (content read to the end before is read again, V23). */
    public Optional<IntakeFile> unfinished(String clinicId, String contentHash) {
        return jdbc.sql("select " + COLUMNS + " from intake_file where clinic_id = ? and content_hash = ?"
                        + " and finished_at is null order by started_at fetch first 1 rows only")
                .params(clinicId, contentHash).query(ROW).optional();
    }

    /** The file a receipt was filled from, if it was (a receipt of an HTTP request has none). */
    public Optional<IntakeFile> ofReceipt(String clinicId, String receiptId) {
        return jdbc.sql("select " + COLUMNS + " from intake_file where receipt_id = ? and clinic_id = ?")
                .params(receiptId, clinicId).query(ROW).optional();
    }

    /** A clinic's files, the latest started first, at most {@code limit}: which receipt is my file's? */
    public List<IntakeFile> latest(String clinicId, int limit) {
        return jdbc.sql("select " + COLUMNS + " from intake_file where clinic_id = ? order by started_at desc, file_name"
                        + " fetch first " + limit + " rows only")
                .param(clinicId).query(ROW).list();
    }

    public void insert(String clinicId, String contentHash, String fileName, long sizeBytes, String receiptId, Instant now) {
        jdbc.sql("insert into intake_file (clinic_id, content_hash, file_name, size_bytes, receipt_id, rows_committed,"
                        + " started_at) values (?, ?, ?, ?, ?, 0, ?)")
                .params(clinicId, contentHash, fileName, sizeBytes, receiptId, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .update();
    }

    /**
     * Moves a file's progress from {@code from} to {@code to} committed rows. Refuses (throws,
     * rolling the part back) when the progress is no longer {@code from}: another reader took the
     * same rows, and committing them again would apply them twice.
     */
    public void advance(String clinicId, String receiptId, long from, long to) {
        int updated = jdbc.sql("update intake_file set rows_committed = ? where clinic_id = ? and receipt_id = ?"
                        + " and rows_committed = ? and finished_at is null")
                .params(to, clinicId, receiptId, from).update();
        if (updated != 1) {
            throw new IllegalStateException("the file's progress moved under this reader; its part is rolled back");
        }
    }

    public void finish(String clinicId, String receiptId, Instant now) {
        jdbc.sql("update intake_file set finished_at = ? where clinic_id = ? and receipt_id = ? and finished_at is null")
                .params(OffsetDateTime.ofInstant(now, ZoneOffset.UTC), clinicId, receiptId).update();
    }
}
