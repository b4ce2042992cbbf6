package org.ketabridge.operations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.db.IntakeFiles;
import org.ketabridge.db.Receipts.ReceiptItemStatus;
import org.ketabridge.db.Receipts.ReceiptRow;
import org.ketabridge.db.Receipts;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.HttpProblem;
import org.ketabridge.web.JsonResponses;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/clinics/{clinicId}/receipts/{receiptId}}: where each accepted record stands
 * now. A receipt of a dropped file also says how far the file has been read ({@code file}); its
 * counts are the rows committed so far. Its records, rejections and warnings come a page at a
 * time ({@code bridge.receipts.page-rows} rows of whole parts, {@code ?fromRow=}), with a
 * {@code next} link until the last page: one answer never holds a million rows. A receipt of a
 * request is one page (its size is bounded by the request's).
 */
@Component("receiptStatusResponder")
public class ReceiptStatusResponder implements Processor {

    private final ClinicGuard clinics;
    private final Receipts receipts;
    private final IntakeFiles files;
    private final JsonResponses responses;
    private final ObjectMapper json;
    private final long pageRows;

    public ReceiptStatusResponder(ClinicGuard clinics, Receipts receipts, IntakeFiles files, JsonResponses responses,
                                  ObjectMapper json, @Value("${bridge.receipts.page-rows:1000}") long pageRows) {
        this.pageRows = pageRows;
        this.clinics = clinics;
        this.receipts = receipts;
        this.files = files;
        this.responses = responses;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        String clinicId = clinics.require(exchange).id();
        String receiptId = exchange.getIn().getHeader("receiptId", String.class);
        ReceiptRow receipt = receipts.find(clinicId, receiptId)
                .orElseThrow(() -> HttpProblem.notFound("No receipt '" + receiptId + "' for clinic '" + clinicId + "'"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiptId", receipt.receiptId());
        body.put("clinicId", receipt.clinicId());
        body.put("kind", receipt.kind());
        body.put("channel", receipt.channel());
        body.put("receivedAt", receipt.receivedAt().toString());
        files.ofReceipt(clinicId, receiptId).ifPresent(file -> body.put("file", FileProgressJson.describe(file)));
        body.put("accepted", receipt.acceptedCount());
        body.put("unchanged", receipt.unchangedCount());
        body.put("rejected", receipt.rejectedCount());
        Receipts.Page page = receipts.page(receipt, fromRow(exchange), pageRows);
        body.put("rejections", json.readTree(page.rejections()));
        body.put("warnings", json.readTree(page.warnings()));
        body.put("records", receipts.itemStatuses(page.items()).stream().map(ReceiptStatusResponder::describe).toList());
        if (page.fromRow() > 0) {
            body.put("fromRow", page.fromRow());
        }
        if (page.nextFromRow() != null) {
            body.put("next", "/api/v1/clinics/" + clinicId + "/receipts/" + receiptId + "?fromRow=" + page.nextFromRow());
        }
        responses.write(exchange, 200, body);
    }

    private static long fromRow(Exchange exchange) {
        String fromRow = exchange.getIn().getHeader("fromRow", String.class);
        if (fromRow == null) {
            return 0;
        }
        try {
            long row = Long.parseLong(fromRow);
            if (row >= 0) {
                return row;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpProblem.badRequest("fromRow must be a whole number of rows, 0 or more (the next link gives it)");
    }

    private static Map<String, Object> describe(ReceiptItemStatus item) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", item.line());
        m.put("recordId", item.recordId());
        m.put("version", item.version());
        m.put("outcome", item.outcome().toLowerCase());
        m.put("stage", stage(item));
        if (item.waitingFor() != null) {
            m.put("waitingFor", item.waitingFor());
        }
        if (item.attempts() != null && item.attempts() > 0) {
            m.put("attempts", item.attempts());
        }
        if (item.lastError() != null) {
            m.put("error", item.lastError());
        }
        if (item.ehrReference() != null) {
            m.put("ehrReference", item.ehrReference());
            m.put("sentAt", item.sentAt().toString());
        }
        if (item.note() != null) {
            // Not accepted: why; sent: what of the record was left out (issue 13).
            m.put(SyncQueue.NOT_ACCEPTED.equals(item.status()) ? "reason" : "note", item.note());
        }
        return m;
    }

    /**
     * stored: kept, nothing to send (store-only clinic); queued: due for its EHR; waiting: for a
     * record it refers to; mapped: became FHIR, on its way (retrying if attempts > 0); sent: the
     * EHR holds it; failed: dead-lettered, with why; not-accepted: the clinic's EHR does not take
     * it (a type it does not accept, a change it does not take), with why: not sent, not to be retried.
     */
    public static String stage(ReceiptItemStatus item) {
        if (item.status() == null) {
            return "stored";
        }
        return switch (item.status()) {
            case "SENT" -> "sent";
            case "DEAD" -> "failed";
            case SyncQueue.NOT_ACCEPTED -> "not-accepted";
            case "WAITING" -> "waiting";
            default -> item.mappedAt() != null ? "mapped" : "queued";
        };
    }
}
