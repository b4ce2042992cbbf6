package org.ketabridge.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.ketabridge.security.Caller;
import org.ketabridge.security.LocalSigningKey;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Signing in with a link ({@code issue-token --console}): a good, unspent link opens a session as
 * its caller and redirects to the console, so the token leaves the address bar (and the page
 * never shows it again); any other link is refused with the same page, which says how to get
 * one. The same page offers the organisation's OpenID Connect provider when one is configured
 * ({@link ConsoleOidcLogin}) and tells a user it refused why. Signing out is Spring Security's
 * ({@code POST /console/sign-out}, ConsoleSecurity).
 */
@Controller
class SignInController {

    private final ObjectProvider<SignInLinks> links;
    private final ObjectProvider<ConsoleOidcLogin> provider;
    private final ConsoleCallers callers;
    private final HttpSessionSecurityContextRepository sessions;
    private final HttpSessionCsrfTokenRepository csrfTokens;

    SignInController(ObjectProvider<SignInLinks> links, ObjectProvider<ConsoleOidcLogin> provider, ConsoleCallers callers,
                     HttpSessionSecurityContextRepository sessions, HttpSessionCsrfTokenRepository csrfTokens) {
        this.links = links;
        this.provider = provider;
        this.callers = callers;
        this.sessions = sessions;
        this.csrfTokens = csrfTokens;
    }

    @GetMapping(ConsoleSecurity.SIGN_IN)
    String signIn(@RequestParam Optional<String> token, HttpServletRequest request, HttpServletResponse response, Model model) {
        SignInLinks signInLinks = links.getIfAvailable();
        model.addAttribute("linksWork", signInLinks != null);
        ConsoleOidcLogin oidc = provider.getIfAvailable();
        if (oidc != null) {
            model.addAttribute("providerName", oidc.providerName());
            model.addAttribute("providerStart", oidc.startPath());
        }
        // Forwarded here by ConsoleOidcLogin: the provider's user was not let in.
        if (request.getAttribute(ConsoleOidcLogin.REFUSAL) instanceof String why) {
            response.setStatus(why.equals("claims") ? HttpStatus.FORBIDDEN.value() : HttpStatus.UNAUTHORIZED.value());
            model.addAttribute("providerRefused", why);
            return "console/sign-in";
        }
        if (token.isEmpty() || signInLinks == null) {
            return "console/sign-in";
        }
        Optional<Caller> caller = signInLinks.spend(token.get());
        if (caller.isEmpty()) {
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            model.addAttribute("refused", true);
            return "console/sign-in";
        }
        // A new session id at sign-in (no fixation), and no CSRF token from before it.
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        csrfTokens.saveToken(null, request, response);
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(callers.signedIn(caller.get(), LocalSigningKey.ISSUER));
        SecurityContextHolder.setContext(context);
        sessions.saveContext(context, request, response);
        return "redirect:/console";
    }

    @GetMapping(ConsoleSecurity.SIGNED_OUT)
    String signedOut() {
        return "console/signed-out";
    }
}
