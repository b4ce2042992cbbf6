package org.ketabridge.console;

import jakarta.servlet.http.HttpServletResponse;
import org.ketabridge.security.Caller;
import org.springframework.security.core.Authentication;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ResponseStatusException;

/**
 * What every console page shares: who is signed in (the header), and the refusals as pages: 404
 * "no such clinic" (also for a clinic the caller may not see), 403 for a role without these pages,
 * 400 for a report's period that is not one, 503 while the auditors' store starts.
 * A refusal never names the clinic or shows anything of it.
 */
@ControllerAdvice(basePackageClasses = ConsolePages.class)
class ConsolePages {

    private final ConsoleCallers callers;

    ConsolePages(ConsoleCallers callers) {
        this.callers = callers;
    }

    @ModelAttribute("signedIn")
    Caller signedIn(Authentication authentication) {
        return authentication == null ? null : callers.of(authentication).orElse(null);
    }

    @ExceptionHandler(ResponseStatusException.class)
    String refused(ResponseStatusException e, HttpServletResponse response, Model model) {
        response.setStatus(e.getStatusCode().value());
        model.addAttribute("status", e.getStatusCode().value());
        // Only the reasons the console itself wrote (a bad period, the store starting); a refusal's has none.
        model.addAttribute("reason", e.getReason());
        return "console/refused";
    }
}
