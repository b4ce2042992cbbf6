package org.ketabridge.console;

import org.ketabridge.config.Clinic;
import org.ketabridge.db.SyncQueue;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * A clinic's records its EHR does not take (issue 13; the API's {@code /sync/not-accepted}): which
 * record and version, the resource type, why. Read only: they are no dead letters, nothing was
 * refused, and what changes it is the EHR or the clinic's configuration, not a replay.
 */
@Controller
class NotAcceptedController {

    /** An EHR that takes no doses has one for each dose: the oldest this many are shown. */
    static final int SHOWN = 200;

    private final ConsoleScope scope;
    private final SyncQueue queue;

    NotAcceptedController(ConsoleScope scope, SyncQueue queue) {
        this.scope = scope;
        this.queue = queue;
    }

    @GetMapping("/console/clinics/{clinicId}/not-accepted")
    String notAccepted(@PathVariable String clinicId, Authentication authentication, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        model.addAttribute("clinic", clinic);
        model.addAttribute("notAccepted", queue.notAccepted(clinic.id(), SHOWN));
        model.addAttribute("total", queue.countsByStatus(clinic.id()).get("notAccepted"));
        model.addAttribute("shownLimit", SHOWN);
        return "console/not-accepted";
    }
}
