package org.ketabridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
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
    void auditorsGetTheirClinicsReportsAndNoClinicPage() throws Exception {
        HttpClient auditor = signedIn("auditor", "alpha");
        assertThat(get(auditor, "/console").body()).contains("id=\"audit-clinics\"").contains("Alpha Clinic")
                .contains("/console/clinics/alpha/patients").doesNotContain("Beta Clinic");
        assertThat(get(auditor, "/console/clinics/alpha").statusCode()).isEqualTo(403);
        assertThat(get(auditor, "/console/clinics/alpha/rems-forms").statusCode()).isEqualTo(200);
        assertThat(get(auditor, "/console/clinics/beta/rems-forms").statusCode()).isEqualTo(404);
        HttpClient metrics = signedIn("metrics");
        assertThat(get(metrics, "/console").body()).contains("Your role has no console pages");
        assertThat(get(metrics, "/console/clinics/alpha").statusCode()).isEqualTo(403);
        assertThat(get(metrics, "/console/clinics/alpha/rems-forms").statusCode()).isEqualTo(403);
        assertThat(get(metrics, "/console/clinics/alpha/controlled-substances.csv").statusCode()).isEqualTo(403);
    }

    @Test
    void auditorsPagesAreForAuditorsAndAdminsAndTheRemsCountsAlsoForClinicIt() throws Exception {
        HttpClient it = signedIn("clinic-it", "alpha");
        for (String page : List.of("/console/clinics/alpha/patients", "/console/clinics/alpha/patients/ANY",
                "/console/clinics/alpha/controlled-substances", "/console/clinics/alpha/controlled-substances.csv")) {
            assertThat(get(it, page).statusCode()).as(page).isEqualTo(403);
        }
        HttpResponse<String> rems = get(it, "/console/clinics/alpha/rems-forms");
        assertThat(rems.statusCode()).isEqualTo(200);
        assertThat(rems.body()).contains("id=\"rems-counts\"")
                .as("no auditor's tab for clinic IT").doesNotContain("/console/clinics/alpha/patients")
                .as("nor the forms' answers, the auditors' CSV").doesNotContain("/console/clinics/alpha/rems-forms.csv");
        assertThat(get(it, "/console/clinics/alpha/rems-forms.csv").statusCode()).isEqualTo(403);

        HttpClient auditor = signedIn("auditor", "alpha");
        assertThat(get(auditor, "/console/clinics/alpha/rems-forms").body()).contains("/console/clinics/alpha/rems-forms.csv");
        HttpResponse<String> csv = get(auditor, "/console/clinics/alpha/rems-forms.csv?start=2020-01-01&end=2020-01-31");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d)
                .startsWith("attachment").contains("rems-forms-alpha-2020-01-01-2020-01-31.csv"));
        assertThat(csv.body().lines().toList()).last().isEqualTo("alpha,2020-01-01,2020-01-31,0,0,0");
        assertThat(get(auditor, "/console/clinics/beta/rems-forms.csv").statusCode()).isEqualTo(404);

        HttpClient admin = signedIn("admin");
        assertThat(get(admin, "/console/clinics/beta/rems-forms").body()).as("an admin's clinic has every tab")
                .contains("/console/clinics/beta/patients").contains("/console/clinics/beta/receipts");
    }

    @Test
    void aPeriodThatIsNoneIsABadRequest() throws Exception {
        HttpClient it = signedIn("clinic-it", "alpha");
        HttpResponse<String> reversed = get(it, "/console/clinics/alpha/rems-forms?start=2025-02-10&end=2025-02-01");
        assertThat(reversed.statusCode()).isEqualTo(400);
        assertThat(reversed.body()).contains("id=\"bad-request\"").contains("The end is before the start.");
        assertThat(get(it, "/console/clinics/alpha/rems-forms?start=February").statusCode()).isEqualTo(400);
        assertThat(get(it, "/console/clinics/alpha/rems-forms?start=2020-01-01&end=2025-01-01").statusCode())
                .as("longer than the forms are filled at once").isEqualTo(400);
        HttpClient auditor = signedIn("auditor", "alpha");
        assertThat(get(auditor, "/console/clinics/alpha/controlled-substances.csv?start=2025-02-10&end=2025-02-01").statusCode())
                .isEqualTo(400);
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
