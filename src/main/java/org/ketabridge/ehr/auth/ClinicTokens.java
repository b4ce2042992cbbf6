package org.ketabridge.ehr.auth;

import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.EhrAuth;
import org.ketabridge.config.EhrAuthMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.NimbusJwtClientAuthenticationParametersConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;

/**
 * The access tokens of one clinic's EHR (SMART Backend Services or a client secret), got with
 * Spring Security's OAuth2 client: one {@link ClientRegistration} (its token URL configured, or
 * discovered from the EHR's .well-known/smart-configuration on first use), the
 * {@code client_credentials} provider, and for SMART Backend Services a client assertion signed
 * by {@link NimbusJwtClientAuthenticationParametersConverter} with the clinic's key (its JWK
 * carries {@code alg} RS384 or ES384 and {@code kid}; iss = sub = client id, aud = token URL,
 * a fresh jti, exp one minute ahead). A token is kept until {@code ehr.token-renew-before} before
 * it expires, or until the EHR answers 401 to it. One token request at a time per clinic.
 */
final class ClinicTokens implements EhrAuthorization {

    private static final Logger log = LoggerFactory.getLogger(ClinicTokens.class);
    private static final String PRINCIPAL = "ketabridge";

    private final Clinic clinic;
    private final EhrAuth auth;
    private final HttpClient http;
    private final Clock clock;

    private ClientRegistration registration;
    private String tokenUrlSource;
    private InMemoryOAuth2AuthorizedClientService authorizedClients;
    private AuthorizedClientServiceOAuth2AuthorizedClientManager manager;
    private volatile TokenStatus status;

    ClinicTokens(Clinic clinic, Clock clock) {
        this.clinic = clinic;
        this.auth = clinic.ehr().auth();
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(clinic.ehr().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.status = status(auth.tokenUrl() == null ? null : auth.tokenUrl().toString(),
                auth.tokenUrl() == null ? "discovered" : "configured", "not-yet", null, null, 0, null, null);
    }

    @Override
    public synchronized Optional<String> header() {
        try {
            ensureRegistration();
            OAuth2AuthorizedClient client = manager.authorize(
                    OAuth2AuthorizeRequest.withClientRegistrationId(clinic.id()).principal(PRINCIPAL).build());
            if (client == null) {
                throw new EhrTokenUnavailableException(EhrTokenUnavailableException.INVALID_TOKEN_RESPONSE,
                        "no access token was issued", 0);
            }
            OAuth2AccessToken token = client.getAccessToken();
            succeeded(token);
            return Optional.of("Bearer " + token.getTokenValue());
        } catch (EhrTokenUnavailableException e) {
            throw failed(e);
        } catch (OAuth2AuthorizationException e) {
            throw failed(unavailable(e));
        } catch (RuntimeException e) {
            // Never the message: it could quote a request or an answer.
            throw failed(new EhrTokenUnavailableException("token_request_failed",
                    "the token request could not be made (" + e.getClass().getSimpleName() + ")", 0));
        }
    }

    @Override
    public synchronized boolean rejected(String rejected) {
        if (authorizedClients == null) {
            return true;
        }
        OAuth2AuthorizedClient current = authorizedClients.loadAuthorizedClient(clinic.id(), PRINCIPAL);
        // Another request may have renewed it already: only the token the EHR refused is dropped.
        if (current != null && rejected.equals("Bearer " + current.getAccessToken().getTokenValue())) {
            authorizedClients.removeAuthorizedClient(clinic.id(), PRINCIPAL);
            log.info("The EHR of clinic {} refused its access token before it expired: asking for a new one", clinic.id());
        }
        return true;
    }

    TokenStatus status() {
        return status;
    }

    private void ensureRegistration() {
        if (registration != null) {
            return;
        }
        URI tokenUrl = auth.tokenUrl();
        String source = "configured";
        if (tokenUrl == null) {
            SmartConfiguration smart = SmartConfiguration.read(http, clinic.ehr().baseUrl(), clinic.ehr().requestTimeout());
            tokenUrl = smart.tokenEndpoint();
            source = "discovered";
            warnIfNotDeclared(smart);
        }
        ClientRegistration.Builder b = ClientRegistration.withRegistrationId(clinic.id())
                .clientId(auth.clientId())
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenUri(tokenUrl.toString())
                .scope(auth.scopes());
        if (auth.method() == EhrAuthMethod.SMART_BACKEND) {
            b.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
        } else {
            b.clientSecret(auth.clientSecret()).clientAuthenticationMethod(
                    auth.clientSecretMethod() == EhrAuth.ClientSecretMethod.POST
                            ? ClientAuthenticationMethod.CLIENT_SECRET_POST : ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
        }
        ClientRegistration built = b.build();
        InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(built);
        InMemoryOAuth2AuthorizedClientService clients = new InMemoryOAuth2AuthorizedClientService(registrations);
        ClientCredentialsOAuth2AuthorizedClientProvider provider = new ClientCredentialsOAuth2AuthorizedClientProvider();
        provider.setAccessTokenResponseClient(tokenResponseClient());
        provider.setClockSkew(auth.renewBefore());
        provider.setClock(clock);
        AuthorizedClientServiceOAuth2AuthorizedClientManager m =
                new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, clients);
        m.setAuthorizedClientProvider(provider);
        this.registration = built;
        this.tokenUrlSource = source;
        this.authorizedClients = clients;
        this.manager = m;
        log.info("Clinic {} gets EHR access tokens from {} ({}, {}{})", clinic.id(), tokenUrl, source,
                auth.method() == EhrAuthMethod.SMART_BACKEND ? "private_key_jwt" : built.getClientAuthenticationMethod().getValue(),
                auth.signingKey() == null ? "" : ", key " + auth.signingKey().getKeyID() + " " + auth.signingKey().getAlgorithm());
    }

    private RestClientClientCredentialsTokenResponseClient tokenResponseClient() {
        RestClientClientCredentialsTokenResponseClient client = new RestClientClientCredentialsTokenResponseClient();
        if (auth.method() == EhrAuthMethod.SMART_BACKEND) {
            JWK key = auth.signingKey();
            NimbusJwtClientAuthenticationParametersConverter<OAuth2ClientCredentialsGrantRequest> assertion =
                    new NimbusJwtClientAuthenticationParametersConverter<>(registration -> key);
            // SMART Backend Services: "typ": "JWT" in the header (kid comes from the JWK).
            assertion.setJwtClientAssertionCustomizer(context -> context.getHeaders().type("JWT"));
            client.addParametersConverter(assertion);
        }
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
        requests.setReadTimeout(clinic.ehr().requestTimeout());
        client.setRestClient(RestClient.builder()
                .requestFactory(requests)
                .messageConverters(converters -> {
                    converters.clear();
                    converters.add(new FormHttpMessageConverter());
                    converters.add(new StringHttpMessageConverter());
                    converters.add(new OAuth2AccessTokenResponseHttpMessageConverter());
                })
                .defaultStatusHandler(new TokenEndpointErrors())
                .build());
        return client;
    }

    private void warnIfNotDeclared(SmartConfiguration smart) {
        String method = auth.method() == EhrAuthMethod.SMART_BACKEND ? "private_key_jwt"
                : auth.clientSecretMethod() == EhrAuth.ClientSecretMethod.POST ? "client_secret_post" : "client_secret_basic";
        if (!smart.authMethods().isEmpty() && !smart.authMethods().contains(method)) {
            log.warn("Clinic {}: the EHR's smart-configuration does not list {} among its token endpoint auth methods {}",
                    clinic.id(), method, smart.authMethods());
        }
        if (auth.signingKey() != null && !smart.signingAlgorithms().isEmpty()
                && !smart.signingAlgorithms().contains(auth.signingKey().getAlgorithm().getName())) {
            log.warn("Clinic {}: the EHR's smart-configuration does not list {} among its signing algorithms {}",
                    clinic.id(), auth.signingKey().getAlgorithm(), smart.signingAlgorithms());
        }
        if (!smart.grantTypes().isEmpty() && !smart.grantTypes().contains("client_credentials")) {
            log.warn("Clinic {}: the EHR's smart-configuration does not list client_credentials among its grant types {}",
                    clinic.id(), smart.grantTypes());
        }
    }

    /** The OAuth error the token endpoint answered, or what stood between the bridge and it. */
    private static EhrTokenUnavailableException unavailable(OAuth2AuthorizationException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TokenEndpointErrors.Refused refused) {
                return new EhrTokenUnavailableException(refused.getError().getErrorCode(), refused.getError().getDescription(),
                        refused.httpStatus());
            }
            if (t instanceof HttpConnectTimeoutException || t instanceof java.net.ConnectException
                    || t instanceof java.net.UnknownHostException) {
                return new EhrTokenUnavailableException(EhrTokenUnavailableException.UNREACHABLE,
                        "the token endpoint could not be reached (" + t.getClass().getSimpleName() + ")", 0);
            }
            if (t instanceof HttpTimeoutException) {
                return new EhrTokenUnavailableException(EhrTokenUnavailableException.UNREACHABLE,
                        "the token endpoint did not answer in time", 0);
            }
            if (t instanceof IOException) {
                return new EhrTokenUnavailableException(EhrTokenUnavailableException.UNREACHABLE,
                        "the connection to the token endpoint failed (" + t.getClass().getSimpleName() + ")", 0);
            }
        }
        String code = e.getError().getErrorCode();
        // Spring's own description of an unreadable answer quotes it: not repeated.
        return new EhrTokenUnavailableException(code, EhrTokenUnavailableException.INVALID_TOKEN_RESPONSE.equals(code)
                ? "the token endpoint's answer was not an access token" : e.getError().getDescription(), 0);
    }

    private EhrTokenUnavailableException failed(EhrTokenUnavailableException e) {
        TokenStatus before = status;
        Instant since = before.failing() ? before.failingSince() : clock.instant();
        status = status(before.tokenUrl(), before.tokenUrlSource(), "failing", e.error(), e.description(), e.httpStatus(), since, null);
        if (!before.failing()) {
            log.error("Clinic {} gets no access token for its EHR ({}{}): its sync is held, nothing is dead-lettered",
                    clinic.id(), e.error(), e.httpStatus() == 0 ? "" : ", HTTP " + e.httpStatus());
        }
        return e;
    }

    private void succeeded(OAuth2AccessToken token) {
        TokenStatus before = status;
        if (before.failing()) {
            log.info("Clinic {} gets access tokens for its EHR again (failing since {})", clinic.id(), before.failingSince());
        }
        if (!"ok".equals(before.state()) || before.tokenExpiresAt() == null || !before.tokenExpiresAt().equals(token.getExpiresAt())) {
            status = status(registration.getProviderDetails().getTokenUri(), tokenUrlSource, "ok", null, null, 0, null,
                    token.getExpiresAt());
        }
    }

    private TokenStatus status(String tokenUrl, String source, String state, String error, String description, int httpStatus,
                               Instant since, Instant expiresAt) {
        String method = auth.method() == EhrAuthMethod.SMART_BACKEND ? "smart-backend"
                : auth.clientSecretMethod() == EhrAuth.ClientSecretMethod.POST ? "client-secret (client_secret_post)"
                : "client-secret (client_secret_basic)";
        return new TokenStatus(clinic.id(), method, tokenUrl, source,
                auth.signingKey() == null ? null : auth.signingKey().getKeyID(), state, error, description, httpStatus, since, expiresAt);
    }
}
