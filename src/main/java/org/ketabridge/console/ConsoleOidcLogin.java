package org.ketabridge.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.ketabridge.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * Signing in to the console with the organisation's OpenID Connect provider (issue 17, item 5),
 * and out of it ({@link ProviderSignOut}),
 * on when {@code bridge.console.oidc.issuer-uri} is set: Spring Security's {@code oauth2Login} on
 * the console's chain, its endpoints under {@code /console} (so the console's session cookie goes
 * along), the authorization code flow with PKCE and a nonce. A user let in gets the same session
 * principal as a sign-in link's ({@link ConsoleCallers}), so no page knows how they came in; a
 * user refused (claims that make no caller, or an answer from the provider that does not check
 * out) gets the sign-in page with the reason, never a session.
 */
@Component
@ConditionalOnProperty(prefix = ConsoleOidcProperties.PREFIX, name = "issuer-uri")
class ConsoleOidcLogin {

    static final String AUTHORIZATION_BASE = "/console/oauth2/authorization";
    /** The request attribute that tells the sign-in page why the provider's user was refused. */
    static final String REFUSAL = ConsoleOidcLogin.class.getName() + ".refusal";

    private static final Logger log = LoggerFactory.getLogger(ConsoleOidcLogin.class);

    private final ConsoleOidcProperties settings;
    private final ConsoleCallers callers;
    private final HttpSessionSecurityContextRepository sessions;
    private final ProviderRegistration registration;

    ConsoleOidcLogin(ConsoleOidcProperties settings, ConsoleCallers callers, HttpSessionSecurityContextRepository sessions) {
        this.settings = settings;
        this.callers = callers;
        this.sessions = sessions;
        this.registration = new ProviderRegistration(settings, new Secrets(System::getenv));
    }

    /** The provider's name on the sign-in button. */
    String providerName() {
        return settings.providerName();
    }

    /** Where the sign-in button goes: the start of the authorization code flow. */
    String startPath() {
        return AUTHORIZATION_BASE + "/" + ProviderRegistration.ID;
    }

    void addTo(HttpSecurity http) throws Exception {
        DefaultOAuth2AuthorizationRequestResolver requests = new DefaultOAuth2AuthorizationRequestResolver(registration, AUTHORIZATION_BASE);
        requests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        http.oauth2Login(o -> o
                .clientRegistrationRepository(registration)
                // The provider's tokens are not used after sign-in; kept no longer than the session.
                .authorizedClientRepository(new HttpSessionOAuth2AuthorizedClientRepository())
                .authorizationEndpoint(a -> a.baseUri(AUTHORIZATION_BASE).authorizationRequestResolver(requests))
                .redirectionEndpoint(r -> r.baseUri(ProviderRegistration.CALLBACK_BASE + "*"))
                .userInfoEndpoint(u -> u.oidcUserService(new ConsoleOidcUsers(new ProviderClaims(settings))))
                .loginPage(ConsoleSecurity.SIGN_IN)
                .successHandler(this::signedIn)
                .failureHandler(this::refused));
        // Signing out of the console signs out at the provider too (the console's own part is ConsoleSecurity's).
        http.logout(l -> l.logoutSuccessHandler(new ProviderSignOut(registration)));
    }

    /**
     * The provider's origin ({@code https://login.example.org}), where a console form may lead: the
     * sign-out's POST is answered by a redirect to the provider's end-session page, and browsers
     * hold such a redirect to the page's {@code form-action} policy.
     */
    String providerOrigin() {
        URI issuer = settings.issuerUri();
        return issuer.getScheme() + "://" + issuer.getRawAuthority();
    }

    /** The provider's user becomes the session's {@code Caller.SignedIn}, vouched for by the ID token's issuer. */
    private void signedIn(HttpServletRequest request, HttpServletResponse response, Authentication authentication) throws IOException {
        ConsoleOidcUsers.WithCaller user = (ConsoleOidcUsers.WithCaller) authentication.getPrincipal();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(callers.signedInAtProvider(user.caller(), user.getIdToken().getIssuer().toString(),
                user.getIdToken().getTokenValue()));
        SecurityContextHolder.setContext(context);
        sessions.saveContext(context, request, response);
        response.sendRedirect(request.getContextPath() + "/console");
    }

    private void refused(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException, jakarta.servlet.ServletException {
        String code = e instanceof OAuth2AuthenticationException oauth ? oauth.getError().getErrorCode() : e.getClass().getSimpleName();
        // The error's code only: its description can quote the token's claims.
        log.info("Console sign-in with the OpenID Connect provider refused: {}", code);
        request.setAttribute(REFUSAL, ProviderClaims.Refusal.isOne(code) ? "claims" : "provider");
        request.getRequestDispatcher(ConsoleSecurity.SIGN_IN).forward(request, response);
    }
}
