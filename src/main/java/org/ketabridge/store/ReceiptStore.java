package org.ketabridge.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Receipts and, per accepted record, where it stands now (read through its sync task). */
@Repository
public class ReceiptStore {

    private static final RowMapper<ReceiptRow> RECEIPT_ROW = Rows.of(ReceiptRow.class);
    private static final RowMapper<ReceiptItemStatus> RECEIPT_ITEM_STATUS = Rows.of(ReceiptItemStatus.class);

    private final JdbcTemplate template;
    private final JdbcClient jdbc;

    public ReceiptStore(JdbcTemplate template) {
        this.template = template;
        this.jdbc = JdbcClient.create(template);
    }

    public void insert(String receiptId, String clinicId, String kind, String channel, Instant receivedAt,
                       int accepted, int rejected, String rejectionsJson) {
        jdbc.sql("insert into receipt (receipt_id, clinic_id, kind, channel, received_at, accepted_count,"
                        + " unchanged_count, rejected_count, rejections) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(receiptId, clinicId, kind, channel, OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC),
                        accepted, 0, rejected, rejectionsJson)
                .update();
    }

    public void complete(String receiptId, int unchanged, String warningsJson) {
        jdbc.sql("update receipt set unchanged_count = ?, warnings = ? where receipt_id = ?")
                .params(unchanged, warningsJson, receiptId).update();
    }

    /** Which accepted line became which version (or was unchanged). */
    public record Item(String receiptId, int line, String kind, String recordId, String outcome, long recordVersionId) {
    }

    public void insertItems(List<Item> items) {
        template.batchUpdate("insert into receipt_item (receipt_id, line, kind, record_id, outcome, record_version_id)"
                + " values (?, ?, ?, ?, ?, ?)", items.stream().map(i -> new Object[] {i.receiptId(), i.line(), i.kind(),
                i.recordId(), i.outcome(), i.recordVersionId()}).toList());
    }

    public Optional<ReceiptRow> find(String clinicId, String receiptId) {
        return jdbc.sql("select receipt_id, clinic_id, kind, channel, received_at, accepted_count, unchanged_count,"
                        + " rejected_count, rejections, warnings from receipt where clinic_id = ? and receipt_id = ?")
                .params(clinicId, receiptId)
                .query(RECEIPT_ROW)
                .optional();
    }

    public List<ReceiptItemStatus> itemStatuses(String receiptId) {
        return jdbc.sql("select i.line, i.kind, i.record_id, i.outcome, v.version, t.status, t.waiting_for,"
                        + " t.attempts, t.last_error, t.mapped_at, t.sent_at, t.ehr_reference"
                        + " from receipt_item i join record_version v on v.id = i.record_version_id"
                        + " left join sync_task t on t.record_version_id = v.id"
                        + " where i.receipt_id = ? order by i.line")
                .param(receiptId)
                .query(RECEIPT_ITEM_STATUS)
                .list();
    }

    public record ReceiptRow(String receiptId, String clinicId, String kind, String channel, OffsetDateTime receivedAt,
                             int acceptedCount, int unchangedCount, int rejectedCount, String rejections,
                             String warnings) {
    }

    public record ReceiptItemStatus(int line, String kind, String recordId, String outcome, int version, String status,
                                    String waitingFor, Integer attempts, String lastError, OffsetDateTime mappedAt,
                                    OffsetDateTime sentAt, String ehrReference) {
    }
}
