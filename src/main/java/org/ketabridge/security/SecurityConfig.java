package org.ketabridge.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.web.ApiDocsPage;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.HttpProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Who may call what. Every endpoint but health, info, the FHIR CapabilityStatement, the
 * bridge's public keys for EHRs ({@code /.well-known/jwks.json}) and the API document with its
 * page ({@code /api/v1/openapi.json}, {@code .yaml}, {@code /api/docs}) needs a
 * bearer token (a JWT) naming a {@link Role} and the clinics it covers:
 * <ul>
 *   <li>{@code /api/v1/clinics/{clinicId}/**} (records in, receipts, sync status, dead letters,
 *       replay, the EHR connection check): clinic IT of that clinic, or an admin;</li>
 *   <li>{@code /fhir/**}: auditors and admins, reading only; which clinics' data they see is
 *       decided inside the FHIR store, by partition ({@code ClinicScopeInterceptor});</li>
 *   <li>{@code /actuator/prometheus}: the metrics scrape role, or an admin;</li>
 *   <li>anything else (the other actuator endpoints): admins.</li>
 * </ul>
 * A clinic the token does not cover is answered as if it did not exist (404), so a token never
 * tells its holder which other clinics there are. No sessions, no cookies, hence no CSRF.
 */
@Configuration
@Import(TokenChecks.class)
public class SecurityConfig {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

    /** The OpenAPI document (JSON, YAML) and the Swagger UI page with its assets. */
    static final String[] API_DOCUMENT_AND_PAGE = {
        "/api/v1/openapi.json", "/api/v1/openapi.yaml", ApiDocsPage.PATH, ApiDocsPage.PATH + "/**", "/webjars/swagger-ui/**"};

    @Bean
    public SecurityFilterChain securityFilterChain(HttpSecurity http, ObjectMapper json,
                                                   List<SecurityChainAddition> additions) throws Exception {
        // The access audit's filter, first inside the chain (audit.AccessAuditChain).
        additions.forEach(a -> a.addTo(http));
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers(HttpMethod.GET, "/fhir/metadata").permitAll()
                        // The bridge's public keys, fetched by EHRs that check its client assertions (issue 13).
                        .requestMatchers(HttpMethod.GET, "/.well-known/jwks.json").permitAll()
                        // The API document and its page (issue 17): public like a login page. They hold
                        // no data, and the page loads the document before any token is pasted into it.
                        .requestMatchers(HttpMethod.GET, API_DOCUMENT_AND_PAGE).permitAll()
                        .requestMatchers(HttpMethod.GET, "/fhir", "/fhir/**").access(role(Role.AUDITOR))
                        // FHIR's search by POST (a form body, for queries too long for a URL) is reading too;
                        // anything else posted is an admin's, and AllowedInteractions refuses writes anyway.
                        .requestMatchers(HttpMethod.POST, "/fhir/_search", "/fhir/*/_search").access(role(Role.AUDITOR))
                        .requestMatchers("/fhir", "/fhir/**").access(role(Role.ADMIN))
                        .requestMatchers("/api/v1/clinics/{clinicId}/**").access(clinicIt())
                        // What Prometheus scrapes (issue 17): a token of its own, good for nothing else.
                        .requestMatchers(HttpMethod.GET, "/actuator/prometheus").access(role(Role.METRICS))
                        .anyRequest().access(role(Role.ADMIN)))
                .oauth2ResourceServer(o -> o.jwt(j -> { })
                        .authenticationEntryPoint((request, response, e) ->
                                new HttpProblem(401, "Unauthorized", "A valid bearer token is required").writeTo(json, response))
                        .accessDeniedHandler((request, response, e) -> denied(json, request, response)));
        return http.build();
    }

    /**
     * Without an outside issuer configured, tokens are checked against the local key (made on
     * first start in bridge.security.local-key-dir; {@code issue-token} prints tokens signed by
     * it). With spring.security.oauth2.resourceserver.jwt.issuer-uri or jwk-set-uri set, Spring
     * Boot's own decoder for that issuer is used and this one is not made.
     */
    @Bean
    @ConditionalOnMissingBean(JwtDecoder.class)
    @ConditionalOnProperty(
            prefix = "spring.security.oauth2.resourceserver.jwt", name = {"issuer-uri", "jwk-set-uri", "public-key-location"},
            matchIfMissing = true, havingValue = "__never__")
    public JwtDecoder localKeyDecoder(BridgeProperties properties, OAuth2TokenValidator<Jwt> bridgeTokenRules)
            throws JOSEException {
        var key = LocalSigningKey.loadOrCreate(properties.getSecurity().getLocalKeyDir());
        log.warn("Bearer tokens are checked against the local key in {} (no issuer configured): fine for a demo,"
                + " set spring.security.oauth2.resourceserver.jwt.issuer-uri in production", properties.getSecurity().getLocalKeyDir());
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefault(), bridgeTokenRules));
        return decoder;
    }

    private static AuthorizationManager<RequestAuthorizationContext> role(Role allowed) {
        return (authentication, context) -> new AuthorizationDecision(caller(authentication)
                .map(c -> c.role() == allowed || c.role() == Role.ADMIN).orElse(false));
    }

    private static AuthorizationManager<RequestAuthorizationContext> clinicIt() {
        return (authentication, context) -> new AuthorizationDecision(caller(authentication)
                .map(c -> c.runs(context.getVariables().get("clinicId")))
                .orElse(false));
    }

    private static Optional<Caller> caller(Supplier<Authentication> authentication) {
        return Caller.of(authentication.get());
    }

    /** Clinic IT asking for a clinic their token does not cover: as if it did not exist. Anyone else: 403. */
    private static void denied(ObjectMapper json, HttpServletRequest request, HttpServletResponse response) throws IOException {
        var caller = Caller.current();
        String clinic = ClinicPaths.clinicOf(request.getRequestURI());
        HttpProblem problem = clinic != null && caller.isPresent() && caller.get().role() == Role.CLINIC_IT && !caller.get().covers(clinic)
                ? ClinicGuard.unknownClinic(clinic)
                : new HttpProblem(403, "Forbidden", "This token's role may not do this");
        problem.writeTo(json, response);
    }
}
