package org.ketabridge.console;

import jakarta.servlet.DispatcherType;
import java.util.List;
import org.ketabridge.security.SecurityChainAddition;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * The web console's own security chain, for {@code /console/**} only and ordered before the API's
 * stateless bearer-token chain (security.SecurityConfig), which it leaves as it is. A console user
 * has a session (its cookie: application.yaml, {@code server.servlet.session}) holding a
 * {@link org.ketabridge.security.Caller.SignedIn}, made by a one-time sign-in link
 * ({@link SignInController}) or, when configured, by the organisation's OpenID Connect provider
 * ({@link ConsoleOidcLogin}: {@code oauth2Login}, its user turned into the same principal by
 * {@link ConsoleCallers}); every POST carries Spring Security's CSRF token (Thymeleaf adds the
 * hidden field to each form). Which clinic a page may show is {@link ConsoleScope}'s, by the same
 * rule as the API's. A console page that fails is answered by the console's error page
 * ({@link ConsoleErrorPages}), its error dispatch kept on this chain.
 */
@Configuration
class ConsoleSecurity {

    static final String SIGN_IN = "/console/sign-in";
    static final String SIGNED_OUT = "/console/signed-out";

    @Bean
    HttpSessionSecurityContextRepository consoleSessions() {
        return new HttpSessionSecurityContextRepository();
    }

    @Bean
    HttpSessionCsrfTokenRepository consoleCsrfTokens() {
        return new HttpSessionCsrfTokenRepository();
    }

    @Bean
    @Order(1)
    SecurityFilterChain consoleFilterChain(HttpSecurity http, List<SecurityChainAddition> additions,
                                           HttpSessionSecurityContextRepository sessions,
                                           HttpSessionCsrfTokenRepository csrfTokens,
                                           ObjectProvider<ConsoleOidcLogin> oidcLogin) throws Exception {
        // A console page's failure too (its error dispatch to /error), so that it gets the console's
        // error page (ConsoleErrorPages), not the API's chain and a 401.
        http.securityMatchers(m -> m.requestMatchers("/console", "/console/**").requestMatchers(ConsoleErrorPages.CONSOLE_ERROR));
        // The access audit (audit.AccessAuditChain): every page view, like every API call.
        additions.forEach(a -> a.addTo(http));
        ConsoleOidcLogin oidc = oidcLogin.getIfAvailable();
        // Forms post back here only; with a provider, the sign-out's redirect may go on to it.
        String formAction = "'self'" + (oidc == null ? "" : " " + oidc.providerOrigin());
        http.authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(SIGN_IN, SIGNED_OUT, "/console/assets/**").permitAll()
                        .anyRequest().authenticated())
                .securityContext(c -> c.securityContextRepository(sessions))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .csrf(c -> c.csrfTokenRepository(csrfTokens))
                .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(SIGN_IN))
                        // A POST without its CSRF token: answered here, not by an error page the API's chain would guard.
                        .accessDeniedHandler((request, response, denied) -> {
                            response.setStatus(403);
                            response.setContentType("text/plain;charset=UTF-8");
                            response.getWriter().write("Refused: this form is stale or did not come from the console. Reload the page.");
                        }))
                .logout(l -> l.logoutUrl("/console/sign-out").logoutSuccessUrl(SIGNED_OUT)
                        .deleteCookies("KB_CONSOLE"))
                .headers(h -> h
                        // Own script and style only; no frames; forms post back here (and the sign-out on to the provider).
                        .contentSecurityPolicy(p -> p.policyDirectives(
                                "default-src 'self'; frame-ancestors 'none'; form-action " + formAction + "; base-uri 'none'"))
                        // A page's address (a sign-in link's token, a clinic id) never leaves in a Referer.
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
        // The organisation's OpenID Connect provider, when one is configured (bridge.console.oidc.*).
        if (oidc != null) {
            oidc.addTo(http);
        }
        return http.build();
    }
}
