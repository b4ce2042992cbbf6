package org.ketabridge.console;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.QueueBrowser;
import org.ketabridge.operations.EhrCheckApi;
import org.ketabridge.operations.EhrStates;
import org.ketabridge.operations.SyncStatusApi;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * A clinic's sync state at a glance: its records by state (what the API's {@code /sync} answers),
 * the oldest pending record's age, when the EHR last took one, the EHR's state and circuit
 * breaker; and the EHR connection check (the API's {@code /ehr/check}) where the clinic has an EHR.
 */
@Controller
class ClinicStateController {

    /** The counts that lead to a page of their own when there are any: count name → page. */
    private static final Map<String, String> COUNT_PAGES = Map.of("uncertain", "uncertain", "notAccepted", "not-accepted");

    private final ConsoleScope scope;
    private final SyncStatusApi syncStatus;
    private final QueueBrowser queue;
    private final EhrStates ehrStates;
    private final EhrCheckApi ehrCheck;
    private final Clock clock;

    ClinicStateController(ConsoleScope scope, SyncStatusApi syncStatus, QueueBrowser queue, EhrStates ehrStates,
                          EhrCheckApi ehrCheck, Clock clock) {
        this.scope = scope;
        this.syncStatus = syncStatus;
        this.queue = queue;
        this.ehrStates = ehrStates;
        this.ehrCheck = ehrCheck;
        this.clock = clock;
    }

    @GetMapping("/console/clinics/{clinicId}")
    String state(@PathVariable String clinicId, Authentication authentication, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        QueueBrowser.Glance glance = queue.glance(clinic.id());
        model.addAttribute("clinic", clinic);
        model.addAttribute("status", syncStatus.statusOf(clinic.id()));
        model.addAttribute("oldestPending", glance.oldestPending());
        model.addAttribute("oldestPendingAge", age(glance.oldestPending()));
        model.addAttribute("lastSent", glance.lastSent());
        model.addAttribute("countPages", COUNT_PAGES);
        if (clinic.syncsToEhr()) {
            model.addAttribute("ehrState", ehrStates.of(clinic.id()).word());
            model.addAttribute("circuitBreaker", ehrStates.circuitState(clinic.id()).orElse("not started"));
        }
        return "console/clinic";
    }

    @PostMapping("/console/clinics/{clinicId}/ehr-check")
    String check(@PathVariable String clinicId, Authentication authentication, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        if (!clinic.syncsToEhr()) {
            return "redirect:/console/clinics/" + clinic.id();
        }
        model.addAttribute("clinic", clinic);
        model.addAttribute("report", ehrCheck.check(clinic));
        return "console/ehr-check";
    }

    /** "3 min", "2 h 5 min": how long the oldest pending record has waited; null when none waits. */
    private String age(OffsetDateTime since) {
        if (since == null) {
            return null;
        }
        Duration waited = Duration.between(since.toInstant(), clock.instant());
        if (waited.isNegative() || waited.toMinutes() < 1) {
            return "under a minute";
        }
        return waited.toHours() > 0 ? waited.toHours() + " h " + waited.toMinutesPart() + " min" : waited.toMinutes() + " min";
    }
}
