package org.ketabridge.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.Receipts;
import org.ketabridge.operations.ReceiptStatusResponder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * A clinic's recent receipts (newest first, counts only), and one receipt as the API's receipt
 * status reads it: each refused record's line, id, field and reason, and where each accepted one
 * stands now; a file's receipt a page of rows at a time ({@code bridge.receipts.page-rows}).
 */
@Controller
class ReceiptsController {

    static final int RECENT = 50;

    private final ConsoleScope scope;
    private final Receipts receipts;
    private final ObjectMapper json;
    private final long pageRows;

    ReceiptsController(ConsoleScope scope, Receipts receipts, ObjectMapper json,
                       @Value("${bridge.receipts.page-rows:1000}") long pageRows) {
        this.scope = scope;
        this.receipts = receipts;
        this.json = json;
        this.pageRows = pageRows;
    }

    /** One field error of a refused record: a row of the rejections table. */
    record RejectionRow(int line, String recordId, String field, String reason) {
    }

    /** An accepted record of the receipt, and where it stands now (the API's stage words). */
    record RecordRow(int line, String recordId, int version, String outcome, String stage, String detail) {
    }

    @GetMapping("/console/clinics/{clinicId}/receipts")
    String recent(@PathVariable String clinicId, Authentication authentication, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        model.addAttribute("clinic", clinic);
        model.addAttribute("receipts", receipts.recent(clinic.id(), RECENT));
        model.addAttribute("recentLimit", RECENT);
        return "console/receipts";
    }

    @GetMapping("/console/clinics/{clinicId}/receipts/{receiptId}")
    String receipt(@PathVariable String clinicId, @PathVariable String receiptId,
                   @RequestParam(defaultValue = "0") long fromRow, Authentication authentication, Model model)
            throws JsonProcessingException {
        Clinic clinic = scope.clinic(authentication, clinicId);
        Receipts.ReceiptRow receipt = receipts.find(clinic.id(), receiptId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        Receipts.Page page = receipts.page(receipt, Math.max(0, fromRow), pageRows);
        model.addAttribute("clinic", clinic);
        model.addAttribute("receipt", receipt);
        model.addAttribute("rejections", rejectionRows(json.readTree(page.rejections())));
        model.addAttribute("records", receipts.itemStatuses(page.items()).stream().map(item -> new RecordRow(item.line(),
                item.recordId(), item.version(), item.outcome().toLowerCase(), ReceiptStatusResponder.stage(item),
                detail(item))).toList());
        model.addAttribute("fromRow", page.fromRow());
        model.addAttribute("nextFromRow", page.nextFromRow());
        return "console/receipt";
    }

    /** One row per field error: {@code [{line, recordId, errors: [{field, reason}]}]} as intake wrote it. */
    private static List<RejectionRow> rejectionRows(JsonNode rejections) {
        List<RejectionRow> rows = new ArrayList<>();
        for (JsonNode rejection : rejections) {
            String recordId = rejection.path("recordId").isTextual() ? rejection.path("recordId").asText() : null;
            for (JsonNode error : rejection.path("errors")) {
                rows.add(new RejectionRow(rejection.path("line").asInt(), recordId, error.path("field").asText(),
                        error.path("reason").asText()));
            }
        }
        return rows;
    }

    /** What it waits for, why it failed, or why the EHR does not take it. */
    private static String detail(Receipts.ReceiptItemStatus item) {
        if (item.waitingFor() != null) {
            return "waiting for " + item.waitingFor();
        }
        if (item.lastError() != null) {
            return item.lastError();
        }
        return item.note();
    }
}
