package org.ketabridge.console;

import java.time.Clock;
import org.ketabridge.auditor.reports.RemsFormReport;
import org.ketabridge.auditor.reports.RemsForms;
import org.ketabridge.config.Clinic;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * A clinic's Spravato REMS monitoring forms of a period (the last 30 days until asked, as the
 * metric counts them), for clinic IT and auditors of the clinic: complete, incomplete and overdue
 * counts, each form not complete with its due date and what it lacks and why (what the API's
 * {@code /rems-forms} answers: record ids and item names, nothing of the patient). The CSV of every
 * form ({@code $rems-forms?output=csv}'s) holds the forms' answers, so it is the auditors' (and
 * admins'), as {@code $rems-forms} is: clinic IT has no link to it and is refused it (403).
 */
@Controller
class RemsFormsController {

    static final int DEFAULT_DAYS = 30;

    private final ConsoleScope scope;
    private final RemsForms forms;
    private final Clock clock;

    RemsFormsController(ConsoleScope scope, RemsForms forms, Clock clock) {
        this.scope = scope;
        this.forms = forms;
        this.clock = clock;
    }

    @GetMapping("/console/clinics/{clinicId}/rems-forms")
    String forms(@PathVariable String clinicId, @RequestParam(required = false) String start, @RequestParam(required = false) String end,
                 Authentication authentication, Model model) {
        Clinic clinic = scope.remsForms(authentication, clinicId);
        ReportPeriod period = ReportPeriod.of(start, end, clinic, clock, DEFAULT_DAYS);
        model.addAttribute("clinic", clinic);
        model.addAttribute("period", period);
        model.addAttribute("report", report(clinic, period));
        return "console/rems-forms";
    }

    @GetMapping("/console/clinics/{clinicId}/rems-forms.csv")
    ResponseEntity<byte[]> csv(@PathVariable String clinicId, @RequestParam(required = false) String start,
                               @RequestParam(required = false) String end, Authentication authentication) {
        Clinic clinic = scope.audited(authentication, clinicId);
        ReportPeriod period = ReportPeriod.of(start, end, clinic, clock, DEFAULT_DAYS);
        return CsvDownloads.of("rems-forms-" + clinic.id() + "-" + period.start() + "-" + period.end() + ".csv",
                report(clinic, period).toCsv());
    }

    private RemsFormReport report(Clinic clinic, ReportPeriod period) {
        try {
            return forms.of(clinic, period.start(), period.end());
        } catch (IllegalArgumentException badPeriod) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, badPeriod.getMessage());
        }
    }
}
