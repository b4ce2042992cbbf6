package org.ketabridge.console;

import java.time.Clock;
import org.ketabridge.auditor.reports.ControlledSubstanceLog;
import org.ketabridge.auditor.reports.ControlledSubstanceLogs;
import org.ketabridge.auditor.reports.StoreSearch;
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
 * For auditors: a clinic's controlled-substance record of a period (dates inclusive; the last 31
 * days until asked), as a table and as the CSV {@code $controlled-substance-log?output=csv} gives,
 * from the same reading ({@link ControlledSubstanceLogs}), cells neutralised for spreadsheets.
 */
@Controller
class ControlledSubstancesController {

    static final int DEFAULT_DAYS = 31;

    private final ConsoleScope scope;
    private final AuditorStoreReads store;
    private final Clock clock;

    ControlledSubstancesController(ConsoleScope scope, AuditorStoreReads store, Clock clock) {
        this.scope = scope;
        this.store = store;
        this.clock = clock;
    }

    @GetMapping("/console/clinics/{clinicId}/controlled-substances")
    String log(@PathVariable String clinicId, @RequestParam(required = false) String start, @RequestParam(required = false) String end,
               Authentication authentication, Model model) {
        Clinic clinic = scope.audited(authentication, clinicId);
        ReportPeriod period = ReportPeriod.of(start, end, clinic, clock, DEFAULT_DAYS);
        model.addAttribute("clinic", clinic);
        model.addAttribute("period", period);
        model.addAttribute("log", read(clinic, period));
        return "console/controlled-substances";
    }

    @GetMapping("/console/clinics/{clinicId}/controlled-substances.csv")
    ResponseEntity<byte[]> csv(@PathVariable String clinicId, @RequestParam(required = false) String start,
                               @RequestParam(required = false) String end, Authentication authentication) {
        Clinic clinic = scope.audited(authentication, clinicId);
        ReportPeriod period = ReportPeriod.of(start, end, clinic, clock, DEFAULT_DAYS);
        String name = "controlled-substances-" + clinic.id() + "-" + period.start() + "-" + period.end() + ".csv";
        return CsvDownloads.of(name, read(clinic, period).toCsv());
    }

    private ControlledSubstanceLog read(Clinic clinic, ReportPeriod period) {
        try {
            return ControlledSubstanceLogs.read(store.of(clinic), clinic.id(), period.start(), period.end());
        } catch (StoreSearch.TooManyResults tooMany) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "More than " + ControlledSubstanceLogs.MAX_ROWS
                    + " administrations in this period: ask for a shorter one.");
        }
    }
}
