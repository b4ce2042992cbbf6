package org.ketabridge.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.matching.RequestMatcherExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An EHR's OAuth2 token endpoint on WireMock, checking the bridge as a strict EHR would, and the
 * token check of its FHIR endpoint. SMART Backend Services: every client assertion is verified
 * against the bridge's own {@code /.well-known/jwks.json}, fetched afresh each time (signature;
 * alg RS384 or ES384; a kid; iss = sub = the client id; aud = this token URL; exp at most 300 s
 * ahead; a jti never seen before). Client secret: the id and secret in the way configured
 * (client_secret_basic or client_secret_post), and not the other way. It answers tokens that
 * expire after {@link #expiresIn}; the FHIR stubs answer 401 to any request without a token it
 * issued that is still valid ({@link #expireAllNow} ends every token early, as an EHR that
 * revoked them or whose clock runs ahead). Refusals are {@code 401 invalid_client}.
 */
public final class TokenEndpoint {

    public static final String PATH = "/oauth2/token";

    /** How the client must authenticate. */
    public enum Method { PRIVATE_KEY_JWT, CLIENT_SECRET_BASIC, CLIENT_SECRET_POST }

    /** One token request: what it was, and whether a token was issued (else why not). */
    public record Attempt(Method method, String kid, String alg, String scope, String token, String refusal, Instant at) {
        public boolean issued() {
            return token != null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Method method;
    private volatile String clientId;
    private final String clientSecret;
    private volatile String jwksUrl;
    private volatile String tokenUrl;
    private volatile Duration expiresIn = Duration.ofSeconds(2);
    private final Set<String> seenJtis = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> validUntil = new ConcurrentHashMap<>();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

    private TokenEndpoint(String name, Method method, String clientId, String clientSecret) {
        this.name = name;
        this.method = method;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    public static TokenEndpoint smartBackend(String name, String clientId) {
        return new TokenEndpoint(name, Method.PRIVATE_KEY_JWT, clientId, null);
    }

    public static TokenEndpoint clientSecret(String name, Method method, String clientId, String secret) {
        return new TokenEndpoint(name, method, clientId, secret);
    }

    /**
     * The EHR with this token endpoint: FakeEhr's stubs behind a token check and its
     * smart-configuration (the server returned), and the token endpoint on a server of its own
     * (so that the EHR's journal holds FHIR requests only).
     */
    public WireMockServer start() {
        WireMockServer tokens = server(0);
        installTokenEndpoint(tokens);
        return startFhirOnly(tokens.port());
    }

    /** The EHR's FHIR side alone, its token endpoint elsewhere ({@link #startTokenEndpointOn}). */
    public WireMockServer startFhirOnly(int tokenPort) {
        WireMockServer server = server(0);
        tokenUrl = "http://localhost:" + tokenPort + PATH;
        installFhir(server);
        return server;
    }

    /** The token endpoint alone, on the port {@link #startFhirOnly} named (it is "down" until this). */
    public WireMockServer startTokenEndpointOn(int port) {
        WireMockServer server = server(port);
        installTokenEndpoint(server);
        return server;
    }

    /** The token endpoint alone, on a port of its own, for a real FHIR server that checks its tokens ({@link #isValid}). */
    public WireMockServer startTokenEndpointOnly() {
        WireMockServer server = server(0);
        tokenUrl = "http://localhost:" + server.port() + PATH;
        installTokenEndpoint(server);
        return server;
    }

    private WireMockServer server(int port) {
        var config = com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig().globalTemplating(false)
                .extensions(new TransactionResponder(), responder(), tokenCheck());
        WireMockServer server = new WireMockServer(port == 0 ? config.dynamicPort() : config.port(port));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }

    private void installTokenEndpoint(WireMockServer server) {
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(1).willReturn(aResponse().withTransformers(responderName())));
    }

    private void installFhir(WireMockServer server) {
        FakeEhr.acceptEverything(server);
        server.stubFor(get(urlPathEqualTo("/fhir/.well-known/smart-configuration")).atPriority(1).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"token_endpoint\":\"" + tokenUrl + "\",\"grant_types_supported\":[\"client_credentials\"],"
                        + "\"token_endpoint_auth_methods_supported\":[\"private_key_jwt\",\"client_secret_basic\",\"client_secret_post\"],"
                        + "\"token_endpoint_auth_signing_alg_values_supported\":[\"RS384\",\"ES384\"],"
                        + "\"capabilities\":[\"client-confidential-asymmetric\"]}")));
        // Any FHIR request (a resource type after /fhir, or the transaction endpoint) without a valid token.
        server.stubFor(any(urlPathMatching("/fhir(/[A-Z][A-Za-z]*.*)?")).andMatching(checkName()).atPriority(2)
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
    }

    /** Where the bridge publishes its keys: known only once it runs. */
    public void jwksUrl(String url) {
        this.jwksUrl = url;
    }

    public void expiresIn(Duration expiresIn) {
        this.expiresIn = expiresIn;
    }

    /** The EHR knows the bridge under this client id from now on (another than the bridge's: invalid_client). */
    public void registeredClientId(String clientId) {
        this.clientId = clientId;
    }

    /** Every token issued so far stops being accepted now. */
    public void expireAllNow() {
        validUntil.replaceAll((token, until) -> Instant.now().minusSeconds(1));
    }

    public String tokenUrl() {
        return tokenUrl;
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    public List<Attempt> issued() {
        return attempts.stream().filter(Attempt::issued).toList();
    }

    public List<Attempt> refused() {
        return attempts.stream().filter(a -> !a.issued()).toList();
    }

    public boolean isValid(String token) {
        Instant until = token == null ? null : validUntil.get(token);
        return until != null && Instant.now().isBefore(until);
    }

    private String responderName() {
        return "token-endpoint-" + name;
    }

    private String checkName() {
        return "without-valid-token-" + name;
    }

    private ResponseDefinitionTransformerV2 responder() {
        return new ResponseDefinitionTransformerV2() {
            @Override
            public String getName() {
                return responderName();
            }

            @Override
            public boolean applyGlobally() {
                return false;
            }

            @Override
            public ResponseDefinition transform(ServeEvent serveEvent) {
                return answer(serveEvent.getRequest());
            }
        };
    }

    private RequestMatcherExtension tokenCheck() {
        return new RequestMatcherExtension() {
            @Override
            public String getName() {
                return checkName();
            }

            @Override
            public MatchResult match(Request request, Parameters parameters) {
                String header = request.getHeader("Authorization");
                boolean valid = header != null && header.startsWith("Bearer ") && isValid(header.substring("Bearer ".length()));
                return MatchResult.of(!valid);
            }
        };
    }

    private synchronized ResponseDefinition answer(Request request) {
        Map<String, String> form = form(request.getBodyAsString());
        String kid = null;
        String alg = null;
        String refusal;
        try {
            if (!"client_credentials".equals(form.get("grant_type"))) {
                throw new Refusal("grant_type is not client_credentials");
            }
            if (method == Method.PRIVATE_KEY_JWT) {
                if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
                    throw new Refusal("client_assertion_type is not jwt-bearer");
                }
                String assertion = form.get("client_assertion");
                if (assertion == null) {
                    throw new Refusal("no client_assertion");
                }
                SignedJWT jwt = SignedJWT.parse(assertion);
                kid = jwt.getHeader().getKeyID();
                alg = jwt.getHeader().getAlgorithm().getName();
                verify(assertion, jwt);
            } else {
                checkSecret(request, form);
            }
            refusal = null;
        } catch (Refusal r) {
            refusal = r.getMessage();
        } catch (Exception e) {
            refusal = "assertion rejected: " + e.getMessage();
        }
        if (refusal != null) {
            attempts.add(new Attempt(method, kid, alg, form.get("scope"), null, refusal, Instant.now()));
            return json(401, Map.of("error", "invalid_client", "error_description", refusal));
        }
        String token = "at-" + UUID.randomUUID();
        validUntil.put(token, Instant.now().plus(expiresIn));
        attempts.add(new Attempt(method, kid, alg, form.get("scope"), token, null, Instant.now()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("token_type", "Bearer");
        body.put("expires_in", expiresIn.toSeconds());
        if (form.get("scope") != null) {
            body.put("scope", form.get("scope"));
        }
        return json(200, body);
    }

    /** As a strict SMART server checks a client assertion, against the bridge's JWK Set URL. */
    private void verify(String assertion, SignedJWT jwt) throws Exception {
        if (jwt.getHeader().getKeyID() == null) {
            throw new Refusal("no kid in the assertion's header");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier((type, context) -> {
            if (type != null && !JOSEObjectType.JWT.equals(type)) {
                throw new com.nimbusds.jose.proc.BadJOSEException("typ is " + type);
            }
        });
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384),
                JWKSourceBuilder.<SecurityContext>create(URI.create(jwksUrl).toURL()).cache(false).rateLimited(false)
                        .retrying(false).outageTolerant(false).refreshAheadCache(false).build()));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(tokenUrl,
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).build(), Set.of("exp", "jti")));
        JWTClaimsSet claims = processor.process(assertion, null);
        if (!claims.getAudience().equals(List.of(tokenUrl))) {
            throw new Refusal("aud is " + claims.getAudience() + ", not the token URL alone");
        }
        long ahead = Duration.between(Instant.now(), claims.getExpirationTime().toInstant()).toSeconds();
        if (ahead > 300) {
            throw new Refusal("exp is " + ahead + " s ahead (at most 300)");
        }
        if (!seenJtis.add(claims.getJWTID())) {
            throw new Refusal("jti " + claims.getJWTID() + " was used before");
        }
    }

    private void checkSecret(Request request, Map<String, String> form) {
        String header = request.getHeader("Authorization");
        if (method == Method.CLIENT_SECRET_BASIC) {
            if (header == null || !header.startsWith("Basic ")) {
                throw new Refusal("no HTTP Basic client authentication");
            }
            if (form.containsKey("client_secret")) {
                throw new Refusal("client_secret in the body as well");
            }
            String pair = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            String id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
            if (!id.equals(clientId) || !secret.equals(clientSecret)) {
                throw new Refusal("unknown client or wrong secret");
            }
        } else {
            if (header != null) {
                throw new Refusal("an Authorization header with client_secret_post");
            }
            if (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
                throw new Refusal("unknown client or wrong secret");
            }
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static ResponseDefinition json(int status, Map<String, ?> body) {
        try {
            return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json")
                    .withHeader("Cache-Control", "no-store").withBody(JSON.writeValueAsString(body)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why a token request is refused. */
    private static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message);
        }
    }

    /** The FHIR requests (not token or discovery requests) the EHR received, oldest first: method, URL, status, token. */
    public record FhirRequest(String method, String url, int status, String token) {
    }

    public static List<FhirRequest> fhirRequests(WireMockServer ehr) {
        List<ServeEvent> events = new ArrayList<>(ehr.getAllServeEvents());
        java.util.Collections.reverse(events);
        List<FhirRequest> requests = new ArrayList<>();
        for (ServeEvent e : events) {
            String url = e.getRequest().getUrl();
            if (!url.startsWith("/fhir") || url.startsWith("/fhir/.well-known")) {
                continue;
            }
            String header = e.getRequest().getHeader("Authorization");
            requests.add(new FhirRequest(e.getRequest().getMethod().getName(), url,
                    e.getResponse() == null ? 0 : e.getResponse().getStatus(),
                    header != null && header.startsWith("Bearer ") ? header.substring(7) : null));
        }
        return requests;
    }
}
