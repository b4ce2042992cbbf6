package org.ketabridge.console;

import java.util.Comparator;
import java.util.List;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.operations.EhrStates;
import org.ketabridge.security.Caller;
import org.ketabridge.security.Role;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The console's first page: for clinic IT and admins, the clinics they may see (only those, with
 * their EHR's state in a word); for auditors, the clinics their token covers, each with its
 * patients' outcomes, controlled-substance record and REMS forms; for the metrics role, nothing to see.
 */
@Controller
class HomeController {

    private final ConsoleScope scope;
    private final ClinicRegistry clinics;
    private final EhrStates ehrStates;

    HomeController(ConsoleScope scope, ClinicRegistry clinics, EhrStates ehrStates) {
        this.scope = scope;
        this.clinics = clinics;
        this.ehrStates = ehrStates;
    }

    /** A clinic in the list: its id, name, and its EHR's state in a word (none: store only). */
    record ClinicRow(String id, String name, String ehrType, String ehrState) {
    }

    @GetMapping({"/console", "/console/"})
    String home(Authentication authentication, Model model) {
        Caller caller = scope.caller(authentication);
        if (caller.role() == Role.AUDITOR) {
            model.addAttribute("clinics", clinics.all().stream().filter(c -> caller.covers(c.id()))
                    .sorted(Comparator.comparing(Clinic::id)).toList());
            return "console/auditor";
        }
        List<ClinicRow> rows = clinics.all().stream()
                .filter(c -> caller.runs(c.id()))
                .sorted(Comparator.comparing(Clinic::id))
                .map(c -> new ClinicRow(c.id(), c.name(), c.ehr().type().name().toLowerCase(),
                        c.syncsToEhr() ? ehrStates.of(c.id()).word() : null))
                .toList();
        model.addAttribute("clinics", rows);
        model.addAttribute("hasClinicPages", caller.role() == Role.CLINIC_IT || caller.role() == Role.ADMIN);
        return "console/home";
    }
}
