package org.ketabridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;

/**
 * Who sees which console page, over plain HTTP where a browser adds nothing: the same roles and
 * clinic scopes as the API (admins every clinic, clinic IT theirs, auditors and the metrics role no
 * clinic page), the console's session never good for the API, and no page without signing in.
 */
class ConsoleScopeTest extends BridgeTestSupport {

    @Test
    void anAdminSeesEveryClinicButAnUnknownOneIsNotFound() throws Exception {
        HttpClient admin = signedIn("admin");
        String home = get(admin, "/console").body();
        assertThat(home).contains("Alpha Clinic").contains("Beta Clinic").contains("Gamma Clinic (store only)");
        assertThat(get(admin, "/console/clinics/beta").statusCode()).isEqualTo(200);
        assertThat(get(admin, "/console/clinics/gamma").body()).as("a store-only clinic: no EHR, no check button")
                .contains("No EHR").doesNotContain("id=\"ehr-check\"");
        assertThat(get(admin, "/console/clinics/nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void clinicItSeesOnlyTheirClinicsAndOthersAreNotFoundWhetherTheyExistOrNot() throws Exception {
        HttpClient it = signedIn("clinic-it", "alpha", "gamma");
        assertThat(get(it, "/console").body()).contains("Alpha Clinic").contains("Gamma Clinic").doesNotContain("Beta Clinic");
        HttpResponse<String> beta = get(it, "/console/clinics/beta/dead-letters");
        HttpResponse<String> nowhere = get(it, "/console/clinics/nowhere/dead-letters");
        assertThat(beta.statusCode()).isEqualTo(404);
        assertThat(beta.body()).as("the same page for a clinic that exists and one that does not").isEqualTo(nowhere.body());
    }

    @Test
    void auditorsGetTheirPlaceholderAndNoClinicPage() throws Exception {
        HttpClient auditor = signedIn("auditor", "alpha");
        assertThat(get(auditor, "/console").body()).contains("id=\"auditor-placeholder\"").doesNotContain("Alpha Clinic");
        assertThat(get(auditor, "/console/clinics/alpha").statusCode()).isEqualTo(403);
        HttpClient metrics = signedIn("metrics");
        assertThat(get(metrics, "/console").body()).contains("Your role has no console pages");
        assertThat(get(metrics, "/console/clinics/alpha").statusCode()).isEqualTo(403);
    }

    @Test
    void noPageWithoutSigningInAndTheSessionIsNoKeyToTheApi() throws Exception {
        HttpClient anonymous = client();
        HttpResponse<String> page = get(anonymous, "/console/clinics/alpha");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/console/sign-in"));
        assertThat(get(anonymous, "/console/sign-in?token=not-a-token").statusCode()).isEqualTo(401);

        HttpClient admin = signedIn("admin");
        assertThat(get(admin, "/console").statusCode()).isEqualTo(200);
        HttpResponse<String> api = admin.send(HttpRequest.newBuilder(uri("/api/v1/clinics/alpha/sync")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).as("the console's session opens no API call").isEqualTo(401);
    }

    @Test
    void theSessionCookieIsHttpOnlyLaxAndForTheConsoleOnly() throws Exception {
        HttpResponse<String> signIn = client().send(HttpRequest.newBuilder(URI.create(ConsoleLinks.issue(port, "admin"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c)
                .startsWith("KB_CONSOLE=").contains("Path=/console").contains("HttpOnly").contains("SameSite=Lax")
                .as("Secure only over https").doesNotContain("Secure"));
        assertThat(signIn.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }

    private HttpClient signedIn(String role, String... clinics) throws Exception {
        HttpClient client = client();
        HttpResponse<String> signIn = client.send(HttpRequest.newBuilder(URI.create(ConsoleLinks.issue(port, role, clinics))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(302);
        return client;
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
