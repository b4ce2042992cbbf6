package org.ketabridge.console;

import java.util.List;
import org.ketabridge.auditor.reports.OutcomeTrajectories;
import org.ketabridge.auditor.reports.OutcomeTrajectory;
import org.ketabridge.auditor.reports.StoreSearch;
import org.ketabridge.config.Clinic;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriUtils;

/**
 * For auditors: a clinic's patients, by the MRN identifier they read in /fhir (never a name), and
 * a patient's outcome trajectory, a chart per instrument with the same numbers in a table
 * ({@link OutcomeTrajectories}, {@link TrajectoryChart}). A patient of another clinic is not found
 * here: the store is read within the page's clinic only.
 */
@Controller
class OutcomesController {

    private final ConsoleScope scope;
    private final AuditorStoreReads store;
    private final OutcomeTrajectories trajectories;

    OutcomesController(ConsoleScope scope, AuditorStoreReads store, OutcomeTrajectories trajectories) {
        this.scope = scope;
        this.store = store;
        this.trajectories = trajectories;
    }

    @GetMapping("/console/clinics/{clinicId}/patients")
    String patients(@PathVariable String clinicId, @RequestParam(required = false) String mrn, Authentication authentication,
                    Model model) {
        Clinic clinic = scope.audited(authentication, clinicId);
        if (mrn != null && !mrn.isBlank()) {
            return "redirect:/console/clinics/" + clinic.id() + "/patients/" + UriUtils.encodePathSegment(mrn.strip(), "UTF-8");
        }
        StoreSearch within = store.of(clinic);
        model.addAttribute("clinic", clinic);
        try {
            model.addAttribute("patients", trajectories.patients(within));
        } catch (StoreSearch.TooManyResults tooMany) {
            model.addAttribute("patients", List.of());
            model.addAttribute("tooMany", OutcomeTrajectories.MAX_PATIENTS);
        }
        return "console/patients";
    }

    @GetMapping("/console/clinics/{clinicId}/patients/{mrn}")
    String trajectory(@PathVariable String clinicId, @PathVariable String mrn, Authentication authentication, Model model) {
        Clinic clinic = scope.audited(authentication, clinicId);
        OutcomeTrajectory trajectory = trajectories.of(store.of(clinic), mrn)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("clinic", clinic);
        model.addAttribute("trajectory", trajectory);
        model.addAttribute("charts", trajectory.series().stream().map(TrajectoryChart::of).toList());
        return "console/trajectory";
    }
}
