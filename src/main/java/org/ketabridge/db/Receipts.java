package org.ketabridge.db;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Receipts and, per accepted record, where it stands now (read through its sync task). Which
 * line became which version is kept in the receipt as one JSON document (its {@link Line}s):
 * written once per request, read only as a whole receipt (V7 says why).
 */
@Repository
public class Receipts {

    private static final RowMapper<ReceiptRow> RECEIPT_ROW = Rows.of(ReceiptRow.class);
    private static final RowMapper<Counts> COUNTS = Rows.of(Counts.class);
    private static final RowMapper<PartRow> PART_ROW = Rows.of(PartRow.class);
    private static final RowMapper<FirstRowAndRejections> FIRST_ROW_AND_REJECTIONS = Rows.of(FirstRowAndRejections.class);
    private static final int PARTS_PER_READ = 20;
    private static final RowMapper<VersionStatus> VERSION_STATUS = Rows.of(VersionStatus.class);
    private static final TypeReference<List<Line>> LINES = new TypeReference<>() { };
    private static final int IN_LIST_SIZE = 500;

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public Receipts(JdbcTemplate template, ObjectMapper json) {
        this.jdbc = JdbcClient.create(template);
        this.json = json;
    }

    public void insert(String receiptId, String clinicId, String kind, String channel, Instant receivedAt,
                       int accepted, int rejected, String rejectionsJson) {
        jdbc.sql("insert into receipt (receipt_id, clinic_id, kind, channel, received_at, accepted_count,"
                        + " unchanged_count, rejected_count, rejections, items) values (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]')")
                .params(receiptId, clinicId, kind, channel, OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC),
                        accepted, 0, rejected, rejectionsJson)
                .update();
    }

    /** Once its records are stored: which line became which version, how many were unchanged, the warnings. */
    public void complete(String receiptId, List<Line> lines, int unchanged, String warningsJson) {
        jdbc.sql("update receipt set items = ?, unchanged_count = ?, warnings = ? where receipt_id = ?")
                .params(toJson(lines), unchanged, warningsJson, receiptId).update();
    }

    /**
     * Which accepted line became which version (CREATED, UPDATED) or was found unchanged
     * (UNCHANGED). Its JSON names are stored data (V7 writes them too): fixed here, whatever the
     * application's JSON naming.
     */
    public record Line(@JsonProperty("line") int line, @JsonProperty("outcome") String outcome,
                       @JsonProperty("recordVersionId") long recordVersionId) {
    }

    /** A receipt: its counts, and its own documents (a receipt filled in parts has its documents in its parts: {@link #page}). */
    public Optional<ReceiptRow> find(String clinicId, String receiptId) {
        return jdbc.sql("select receipt_id, clinic_id, kind, channel, received_at, accepted_count, unchanged_count,"
                        + " rejected_count, rejections, warnings, items from receipt where clinic_id = ? and receipt_id = ?")
                .params(clinicId, receiptId)
                .query(RECEIPT_ROW)
                .optional();
    }

    /** A receipt at a glance: when it came, by which channel, its counts (its documents are read only when it is opened). */
    public record Summary(String receiptId, String kind, String channel, OffsetDateTime receivedAt,
                          int acceptedCount, int unchangedCount, int rejectedCount) {
    }

    private static final RowMapper<Summary> SUMMARY = Rows.of(Summary.class);

    /** A clinic's latest receipts, newest first, at most {@code limit} (V26's index on clinic and time finds them). */
    public List<Summary> recent(String clinicId, int limit) {
        return jdbc.sql("select receipt_id, kind, channel, received_at, accepted_count, unchanged_count, rejected_count"
                        + " from receipt where clinic_id = ? order by received_at desc, receipt_id fetch first " + limit + " rows only")
                .param(clinicId)
                .query(SUMMARY)
                .list();
    }

    /**
     * A part of a receipt filled in parts (a CSV file, V20): its counts added to the receipt's,
     * its refused rows, warnings and lines kept in a row of their own ({@code firstRow}: the part's
     * first row, unique in the receipt), in the same transaction as the part's records.
     */
    public void appendPart(String receiptId, long firstRow, int accepted, int unchanged, int rejected,
                           String rejectionsJson, String warningsJson, List<Line> lines) {
        jdbc.sql("update receipt set accepted_count = accepted_count + ?, unchanged_count = unchanged_count + ?,"
                        + " rejected_count = rejected_count + ? where receipt_id = ?")
                .params(accepted, unchanged, rejected, receiptId).update();
        jdbc.sql("insert into receipt_part (receipt_id, first_row, rejected_count, rejections, warnings, items)"
                        + " values (?, ?, ?, ?, ?, ?)")
                .params(receiptId, firstRow, rejected, rejectionsJson, warningsJson, toJson(lines)).update();
    }

    /** A receipt's counts alone (accepted, unchanged, rejected), without its documents. */
    public Optional<Counts> counts(String receiptId) {
        return jdbc.sql("select accepted_count, unchanged_count, rejected_count from receipt where receipt_id = ?")
                .param(receiptId).query(COUNTS).optional();
    }

    public record Counts(int acceptedCount, int unchangedCount, int rejectedCount) {
    }

    /**
     * One page of a receipt's documents (refused rows, warnings, lines: JSON arrays): the whole
     * parts whose first row is in {@code [start, start + pageRows)}, {@code start} being the first
     * row of the part that holds {@code fromRow}; the receipt's own documents on the first page.
     * A receipt of a request (no parts) is one page. {@code nextFromRow}: the next page's first
     * row, null on the last page. So a receipt of a million rows is never read whole.
     */
    public Page page(ReceiptRow receipt, long fromRow, long pageRows) {
        String id = receipt.receiptId();
        long start = jdbc.sql("select first_row from receipt_part where receipt_id = ? and first_row <= ?"
                        + " order by first_row desc fetch first 1 rows only")
                .params(id, fromRow).query(Long.class).optional().orElse(0L);
        List<PartRow> parts = jdbc.sql("select rejections, warnings, items from receipt_part where receipt_id = ?"
                        + " and first_row >= ? and first_row < ? order by first_row")
                .params(id, start, start + pageRows).query(PART_ROW).list();
        Long next = jdbc.sql("select first_row from receipt_part where receipt_id = ? and first_row >= ?"
                        + " order by first_row fetch first 1 rows only")
                .params(id, start + pageRows).query(Long.class).optional().orElse(null);
        List<PartRow> documents = new ArrayList<>();
        if (start == 0) {
            documents.add(new PartRow(receipt.rejections(), receipt.warnings(), receipt.items()));
        }
        documents.addAll(parts);
        return new Page(start,
                concatArrays(documents.stream().map(PartRow::rejections).toList()),
                concatArrays(documents.stream().map(PartRow::warnings).toList()),
                concatArrays(documents.stream().map(PartRow::items).toList()), next);
    }

    /** See {@link #page}: the first row of this page, its documents, the first row of the next page (null: none). */
    public record Page(long fromRow, String rejections, String warnings, String items, Long nextFromRow) {
    }

    /**
     * Each refused-rows document of a receipt filled in parts (a JSON array per part that refused
     * a row), in row order, read {@value #PARTS_PER_READ} parts at a time: the report of a file is
     * written from them without holding every refused row.
     */
    public void forEachRejections(String receiptId, Consumer<String> rejectionsJson) {
        long after = -1;
        while (true) {
            List<FirstRowAndRejections> parts = jdbc.sql("select first_row, rejections from receipt_part"
                            + " where receipt_id = ? and first_row > ? and rejected_count > 0 order by first_row"
                            + " fetch first " + PARTS_PER_READ + " rows only")
                    .params(receiptId, after).query(FIRST_ROW_AND_REJECTIONS).list();
            parts.forEach(part -> rejectionsJson.accept(part.rejections()));
            if (parts.size() < PARTS_PER_READ) {
                return;
            }
            after = parts.get(parts.size() - 1).firstRow();
        }
    }

    record FirstRowAndRejections(long firstRow, String rejections) {
    }

    /** JSON arrays joined into one, as text: each is a whole array this class or RecordIntake wrote. */
    private static String concatArrays(List<String> arrays) {
        StringBuilder joined = new StringBuilder("[");
        for (String array : arrays) {
            String inner = array == null ? "" : array.strip();
            inner = inner.isEmpty() ? "" : inner.substring(1, inner.length() - 1).strip();
            if (!inner.isEmpty()) {
                joined.append(joined.length() > 1 ? "," : "").append(inner);
            }
        }
        return joined.append(']').toString();
    }

    record PartRow(String rejections, String warnings, String items) {
    }

    /** Each accepted line of a receipt's lines document (a request's, or a {@link Page}'s), in line order, with where its version stands now. */
    public List<ReceiptItemStatus> itemStatuses(String items) {
        List<Line> lines = lines(items);
        List<Long> ids = lines.stream().map(Line::recordVersionId).distinct().toList();
        Map<Long, VersionStatus> versions = new HashMap<>();
        for (int from = 0; from < ids.size(); from += IN_LIST_SIZE) {
            jdbc.sql("select v.id, v.kind, v.record_id, v.version, t.status, t.waiting_for, t.attempts, t.last_error,"
                            + " t.mapped_at, t.sent_at, t.ehr_reference, t.note"
                            + " from record_version v left join sync_task t on t.record_version_id = v.id where v.id in (:ids)")
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST_SIZE)))
                    .query(VERSION_STATUS)
                    .list()
                    .forEach(v -> versions.put(v.id(), v));
        }
        return lines.stream().map(l -> {
            VersionStatus v = versions.get(l.recordVersionId());
            return new ReceiptItemStatus(l.line(), v.kind(), v.recordId(), l.outcome(), v.version(), v.status(),
                    v.waitingFor(), v.attempts(), v.lastError(), v.mappedAt(), v.sentAt(), v.ehrReference(), v.note());
        }).toList();
    }

    private List<Line> lines(String document) {
        try {
            return json.readValue(document, LINES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("receipt lines are not readable", e);
        }
    }

    private String toJson(List<Line> lines) {
        try {
            return json.writeValueAsString(lines);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record version and its sync task, if it has one. */
    record VersionStatus(long id, String kind, String recordId, int version, String status, String waitingFor,
                                 Integer attempts, String lastError, OffsetDateTime mappedAt, OffsetDateTime sentAt,
                                 String ehrReference, String note) {
    }

    public record ReceiptRow(String receiptId, String clinicId, String kind, String channel, OffsetDateTime receivedAt,
                             int acceptedCount, int unchangedCount, int rejectedCount, String rejections,
                             String warnings, String items) {
    }

    /** {@code note}: why the EHR does not accept it (status NOT_ACCEPTED), or what of it was left out when sent; else null. */
    public record ReceiptItemStatus(int line, String kind, String recordId, String outcome, int version, String status,
                                    String waitingFor, Integer attempts, String lastError, OffsetDateTime mappedAt,
                                    OffsetDateTime sentAt, String ehrReference, String note) {
    }
}
