package org.ketabridge.console;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ketabridge.support.BridgeTestSupport;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The bridge with its console signing users in at an OpenID Connect provider: a real one
 * (mock-oauth2-server, {@link OidcProvider}: discovery, authorization, token and JWK endpoints, signed ID tokens),
 * non-interactive, each test setting the next user's claims. One Spring context for every class
 * that extends this; sign-in links keep working beside the provider (no outside token issuer).
 */
@Import(ConsoleErrorPageTest.FailingPages.class)
abstract class ConsoleWithProviderSupport extends BridgeTestSupport {

    static final String ISSUER_ID = "clinic-org";
    static final String CLIENT_ID = "ketabridge-console";
    static final String PROVIDER_NAME = "Clinic Org Login";
    static final OidcProvider PROVIDER = OidcProvider.start();

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        // A database of its own: this context stays cached beside BridgeTestSupport's, and on the same
        // in-memory database its sync routes took other tests' tasks (MetricsTest's counts then missed
        // them) and its auditors' store's start collided with the other's (HAPI's tables, partitions).
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:console-provider-test;DB_CLOSE_DELAY=-1");
        registry.add("bridge.console.oidc.issuer-uri", () -> PROVIDER.issuerUrl(ISSUER_ID));
        registry.add("bridge.console.oidc.client-id", () -> CLIENT_ID);
        registry.add("bridge.console.oidc.client-secret-file", ConsoleWithProviderSupport::secretFile);
        registry.add("bridge.console.oidc.provider-name", () -> PROVIDER_NAME);
        registry.add("bridge.console.oidc.subject-claim", () -> "preferred_username");
    }

    private static String secretFile() {
        try {
            Path file = Files.createTempFile("console-oidc", ".secret");
            file.toFile().deleteOnExit();
            Files.writeString(file, "synthetic-client-secret\n");
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the sign-in went, hop by hop (the console, the provider, the console's callback, ...), and the page it ended on. */
    record SignIn(List<URI> visited, HttpResponse<String> landed) {
    }

    /** The user clicks "Sign in with ..."; the provider signs them in at once with these claims in their ID token. */
    protected SignIn signInAtProvider(HttpClient browser, Map<String, Object> claims) throws Exception {
        Map<String, Object> idClaims = new HashMap<>(claims);
        String subject = "sub-" + UUID.randomUUID();
        PROVIDER.nextSignIn(ISSUER_ID, subject, CLIENT_ID, idClaims);
        List<URI> visited = new ArrayList<>();
        URI next = uri("/console/oauth2/authorization/console");
        for (int hop = 0; hop < 8; hop++) {
            visited.add(next);
            HttpResponse<String> response = browser.send(HttpRequest.newBuilder(next).header("Accept", "text/html")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 302 && response.statusCode() != 303) {
                return new SignIn(visited, response);
            }
            next = next.resolve(response.headers().firstValue("Location").orElseThrow());
        }
        throw new AssertionError("too many redirects: " + visited);
    }

    static HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    protected HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).header("Accept", "text/html").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    protected URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
