package org.ketabridge.console;

import org.ketabridge.config.Clinic;
import org.ketabridge.db.QueueBrowser;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * A clinic's records waiting for another record (their patient, their encounter, a shared
 * resource) to reach the EHR first, and what each waits for; they go on their own once it has.
 */
@Controller
class WaitingController {

    static final int SHOWN = 200;

    private final ConsoleScope scope;
    private final QueueBrowser queue;

    WaitingController(ConsoleScope scope, QueueBrowser queue) {
        this.scope = scope;
        this.queue = queue;
    }

    @GetMapping("/console/clinics/{clinicId}/waiting")
    String waiting(@PathVariable String clinicId, Authentication authentication, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        model.addAttribute("clinic", clinic);
        model.addAttribute("waiting", queue.waiting(clinic.id(), SHOWN));
        model.addAttribute("shownLimit", SHOWN);
        return "console/waiting";
    }
}
