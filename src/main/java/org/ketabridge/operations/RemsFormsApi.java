package org.ketabridge.operations;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.auditor.reports.RemsForm;
import org.ketabridge.auditor.reports.RemsFormReport;
import org.ketabridge.auditor.reports.RemsForms;
import org.ketabridge.config.Clinic;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.HttpProblem;
import org.ketabridge.web.JsonResponses;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/clinics/{clinicId}/rems-forms?start=..&end=..} (dates inclusive): how the clinic's
 * Spravato REMS monitoring forms of the period stand (complete, incomplete, overdue), and for each form
 * not complete its encounterId, due date, whether it is overdue, and the items it lacks with why: what
 * clinic IT hands to whoever files the forms. Record ids only, never a patient's data; the forms
 * themselves are the auditors' ({@code $rems-forms}).
 */
@Component("remsFormsApi")
public class RemsFormsApi {

    private final ClinicGuard clinics;
    private final RemsForms forms;
    private final JsonResponses responses;

    public RemsFormsApi(ClinicGuard clinics, RemsForms forms, JsonResponses responses) {
        this.clinics = clinics;
        this.forms = forms;
        this.responses = responses;
    }

    public void list(Exchange exchange) {
        Clinic clinic = clinics.require(exchange);
        RemsFormReport report;
        try {
            report = forms.of(clinic, date(exchange, "start"), date(exchange, "end"));
        } catch (IllegalArgumentException badPeriod) {
            throw HttpProblem.badRequest(badPeriod.getMessage());
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("complete", report.complete());
        counts.put("incomplete", report.incomplete());
        counts.put("overdue", report.overdue());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clinicId", clinic.id());
        body.put("start", report.start().toString());
        body.put("end", report.end().toString());
        body.put("counts", counts);
        body.put("incomplete", report.forms().stream().filter(f -> !f.complete()).map(RemsFormsApi::form).toList());
        responses.write(exchange, 200, body);
    }

    private static Map<String, Object> form(RemsForm form) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encounterId", form.encounterId());
        m.put("dueDate", form.dueDate().toString());
        m.put("overdue", form.overdue());
        List<Map<String, Object>> missing = form.unfilled().stream().map(u -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("linkId", u.linkId());
            item.put("reason", u.reason());
            if (u.note() != null) {
                item.put("note", u.note());
            }
            return item;
        }).toList();
        m.put("missing", missing);
        return m;
    }

    private static LocalDate date(Exchange exchange, String name) {
        String value = exchange.getIn().getHeader(name, String.class);
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw HttpProblem.badRequest(name + " must be a date (YYYY-MM-DD)");
        }
    }
}
