package org.ketabridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Signing in to the console at the organisation's OpenID Connect provider, the whole flow over
 * HTTP as a browser follows it: the console sends the user to the provider (authorization code,
 * PKCE, a nonce), the provider sends them back with a code, the bridge exchanges it and checks the
 * ID token, and the user lands on the console as the role and clinics their claims give, the
 * same scopes as the API. Claims that give no role or no clinic, and ID tokens that do not check
 * out (another issuer, another nonce), are refused and sign no one in.
 */
class ConsoleOidcSignInTest extends ConsoleWithProviderSupport {

    @Test
    void theSignInPageOffersTheProviderBesideTheLocalLink() throws Exception {
        String page = get(client(), "/console/sign-in").body();
        assertThat(page).contains("id=\"sign-in-provider\"").contains("Sign in with <span>" + PROVIDER_NAME + "</span>")
                .contains("issue-token --console");
    }

    @Test
    void clinicItOfAlphaLandsOnTheConsoleAndSeesAlphaButNeverBeta() throws Exception {
        HttpClient browser = client();
        String user = "it-" + UUID.randomUUID();
        SignIn signIn = signInAtProvider(browser, Map.of("preferred_username", user,
                "ketabridge_role", "clinic-it", "ketabridge_clinics", List.of("alpha")));

        Map<String, String> authorization = query(signIn.visited().get(1));
        assertThat(authorization).as("the authorization request: code flow, openid, PKCE S256, a nonce")
                .containsEntry("response_type", "code").containsEntry("client_id", CLIENT_ID)
                .containsEntry("code_challenge_method", "S256").containsKeys("code_challenge", "nonce", "state");
        assertThat(authorization.get("scope")).contains("openid");

        assertThat(signIn.landed().statusCode()).isEqualTo(200);
        assertThat(signIn.landed().uri().getPath()).isEqualTo("/console");
        assertThat(signIn.landed().body()).contains(user).contains("Alpha Clinic").doesNotContain("Beta Clinic");
        assertThat(get(browser, "/console/clinics/alpha").statusCode()).isEqualTo(200);
        assertThat(get(browser, "/console/clinics/beta").statusCode()).isEqualTo(404);
        assertThat(get(browser, "/console/clinics/beta/dead-letters").statusCode()).isEqualTo(404);

        assertThat(jdbc.sql("select issuer from access_audit where subject = ? and path = '/console/clinics/alpha'")
                .param(user).query(String.class).list())
                .as("page views audited as the provider's user").containsExactly(PROVIDER.issuerUrl(ISSUER_ID));
        assertThat(get(browser, "/api/v1/clinics/alpha/sync").statusCode()).as("the console's session opens no API call").isEqualTo(401);
    }

    @Test
    void anAuditorLandsOnTheAuditorsPagesAndNoClinicPage() throws Exception {
        HttpClient browser = client();
        SignIn signIn = signInAtProvider(browser, Map.of("ketabridge_role", "auditor", "ketabridge_clinics", List.of("alpha")));
        assertThat(signIn.landed().statusCode()).isEqualTo(200);
        assertThat(signIn.landed().body()).contains("<span class=\"role\">auditor</span>");
        assertThat(get(browser, "/console/clinics/alpha").statusCode()).isEqualTo(403);
    }

    @Test
    void aUserWhoseClaimsGiveNoRoleOrNoClinicIsRefusedAndNotSignedIn() throws Exception {
        List<Map<String, Object>> refused = List.of(
                Map.of("ketabridge_clinics", List.of("alpha")),
                Map.of("ketabridge_role", "superuser", "ketabridge_clinics", List.of("alpha")),
                Map.of("ketabridge_role", List.of("clinic-it", "admin"), "ketabridge_clinics", List.of("alpha")),
                Map.of("ketabridge_role", "clinic-it"));
        for (Map<String, Object> claims : refused) {
            assertRefused(claims, 403, "provider-refused-claims");
        }
    }

    @Test
    void anIdTokenFromAnotherIssuerOrForAnotherNonceIsRefused() throws Exception {
        for (Map<String, Object> forged : List.of(
                Map.<String, Object>of("iss", "http://elsewhere.example/" + ISSUER_ID),
                Map.<String, Object>of("nonce", "not-the-nonce-the-console-sent"))) {
            Map<String, Object> claims = new HashMap<>(forged);
            claims.put("ketabridge_role", "admin");
            assertRefused(claims, 401, "provider-refused");
        }
    }

    @Test
    void signingOutEndsTheConsoleSessionAndTheProvidersToo() throws Exception {
        HttpClient browser = client();
        SignIn signIn = signInAtProvider(browser, Map.of("ketabridge_role", "admin"));
        assertThat(signIn.landed().statusCode()).isEqualTo(200);
        assertThat(signIn.landed().headers().firstValue("Content-Security-Policy")).as("the sign-out may lead to the provider")
                .hasValueSatisfying(csp -> assertThat(csp).contains("form-action 'self' " + origin(PROVIDER.issuerUrl(ISSUER_ID))));
        HttpResponse<String> out = signOut(browser, signIn.landed().body());
        assertThat(out.statusCode()).isEqualTo(302);
        assertNotSignedIn(browser);

        // On to the provider's end-session page, with what it needs to end its own session and send the user back.
        URI endSession = URI.create(out.headers().firstValue("Location").orElseThrow());
        assertThat(endSession.toString()).startsWith(PROVIDER.issuerUrl(ISSUER_ID) + "/endsession?");
        Map<String, String> asked = query(endSession);
        assertThat(asked).containsEntry("client_id", CLIENT_ID)
                .containsEntry("post_logout_redirect_uri", uri("/console/signed-out").toString());
        assertThat(asked.get("id_token_hint")).as("the ID token the provider issued at sign-in").matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        HttpResponse<String> back = browser.send(HttpRequest.newBuilder(endSession).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(back.statusCode()).as("the provider sends the user back").isEqualTo(302);
        URI signedOut = endSession.resolve(back.headers().firstValue("Location").orElseThrow());
        assertThat(signedOut.getPath()).isEqualTo("/console/signed-out");
        assertThat(browser.send(HttpRequest.newBuilder(signedOut).build(), HttpResponse.BodyHandlers.ofString()).body())
                .contains("id=\"signed-out\"");
    }

    @Test
    void aRealBrowserFollowsTheSignOutToTheProviderAndBack() throws Exception {
        PROVIDER.nextSignIn(ISSUER_ID, "sub-" + UUID.randomUUID(), CLIENT_ID, Map.of("ketabridge_role", "admin"));
        WebDriver browser = Chromium.start();
        try {
            browser.get(uri("/console/sign-in").toString());
            browser.findElement(By.id("sign-in-provider")).click();
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.urlToBe(uri("/console").toString()));
            browser.findElement(By.id("sign-out")).click();
            // A browser holds the form's redirect to the provider to the page's form-action policy: were the
            // provider's origin not in it, the browser would stop on an error page, not come back here.
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.urlToBe(uri("/console/signed-out").toString()));
            assertThat(browser.findElements(By.id("signed-out"))).hasSize(1);
        } finally {
            browser.quit();
        }
    }

    @Test
    void aUserSignedInByLinkSignsOutOfTheConsoleOnly() throws Exception {
        HttpClient browser = client();
        HttpResponse<String> landed = browser.send(HttpRequest.newBuilder(URI.create(ConsoleLinks.issue(port, "admin"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(landed.statusCode()).as("the link signs in and leads to the console").isEqualTo(302);
        HttpResponse<String> home = get(browser, "/console");
        assertThat(home.statusCode()).isEqualTo(200);
        HttpResponse<String> out = signOut(browser, home.body());
        assertThat(out.headers().firstValue("Location")).as("no provider session to end")
                .hasValueSatisfying(l -> assertThat(l).endsWith("/console/signed-out"));
        assertNotSignedIn(browser);
    }

    /** The sign-out form's POST, with the CSRF token of the page it is on. */
    private HttpResponse<String> signOut(HttpClient browser, String page) throws Exception {
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(csrf.find()).isTrue();
        return browser.send(HttpRequest.newBuilder(uri("/console/sign-out"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf.group(1))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    /** Signing in with these claims ends on the sign-in page with this status and reason, and signs no one in. */
    private void assertRefused(Map<String, Object> claims, int status, String reasonId) throws Exception {
        HttpClient browser = client();
        SignIn signIn = signInAtProvider(browser, claims);
        assertThat(signIn.landed().statusCode()).as("refused: %s", claims.keySet()).isEqualTo(status);
        assertThat(signIn.landed().body()).contains("id=\"" + reasonId + "\"");
        assertNotSignedIn(browser);
    }

    private void assertNotSignedIn(HttpClient browser) throws Exception {
        HttpResponse<String> home = get(browser, "/console");
        assertThat(home.statusCode()).as("not signed in: sent to the sign-in page").isEqualTo(302);
        assertThat(home.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/console/sign-in"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
