package org.ketabridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * A console page that fails unexpectedly answers with the console's own error page (500 and the
 * request's id, nothing of the failure), not with the API's 401 for {@code /error}; what the API
 * answers for its own failures is unchanged.
 */
class ConsoleErrorPageTest extends ConsoleWithProviderSupport {

    private static final String SECRET_DETAIL = "synthetic detail that must not reach the page";

    /** Console pages that fail: in the controller, and while the page is drawn. Test only (ConsoleWithProviderSupport imports them). */
    @Controller
    static class FailingPages {

        @GetMapping("/console/test-failures/controller")
        String failsInTheController() {
            throw new IllegalStateException(SECRET_DETAIL);
        }

        @GetMapping("/console/test-failures/page")
        String failsWhileDrawn() {
            return "console/no-such-template";
        }
    }

    @Test
    void aFailingPageShowsTheConsolesErrorPageWithTheRequestId() throws Exception {
        HttpClient browser = client();
        assertThat(signInAtProvider(browser, Map.of("ketabridge_role", "admin")).landed().statusCode()).isEqualTo(200);
        for (String failing : new String[] {"/console/test-failures/controller", "/console/test-failures/page"}) {
            HttpResponse<String> page = get(browser, failing);
            assertThat(page.statusCode()).as(failing).isEqualTo(500);
            String requestId = page.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(page.body()).as(failing).contains("id=\"console-error\"")
                    .contains("<code id=\"request-id\">" + requestId + "</code>")
                    .doesNotContain(SECRET_DETAIL).doesNotContain("IllegalStateException").doesNotContain("no-such-template");
        }
    }

    @Test
    void aFailureBeforeSigningInIsTheSameErrorPage() throws Exception {
        HttpResponse<String> page = get(client(), "/console/sign-in?token=" + "x".repeat(10));
        assertThat(page.statusCode()).as("a refused link is still its own page").isEqualTo(401);
        HttpResponse<String> unsigned = get(client(), "/console/test-failures/controller");
        assertThat(unsigned.statusCode()).as("an anonymous user is sent to sign in, not to the error").isEqualTo(302);
    }
}
