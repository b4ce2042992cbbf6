package org.ketabridge.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.alerts.AlertBridge.DELIVERED;
import static org.ketabridge.alerts.AlertBridge.posts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clinic's webhook as its receiver sees it (WireMock), from a bridge evaluating every 200 ms:
 * one notification per change of an event, however many evaluations see it hold; retried until
 * the receiver answers 2xx; clinic, event, counts and links, no patient data; nothing for a clinic
 * without a webhook. The event here is intake refusing most of a clinic's records (at least 3 here),
 * the one a test can cause through the bridge's front door. Time is never asserted: what
 * happened after what is proven by notifications that could only come later.
 */
class AlertWebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "test-only-0123456789abcdef0123456789";

    @TempDir
    static Path work;
    private static final WireMockServer RECEIVER = new WireMockServer(wireMockConfig().dynamicPort());
    private static AlertBridge bridge;

    @BeforeAll
    static void start() throws Exception {
        RECEIVER.start();
        RECEIVER.stubFor(post(urlPathMatching("/hooks/.*")).willReturn(aResponse().withStatus(204)));
        Map<String, Boolean> clinics = new LinkedHashMap<>();
        clinics.put("once", true);
        clinics.put("retry", true);
        clinics.put("silent", false);
        clinics.put("witness", true);
        clinics.put("witness2", true);
        clinics.put("signed", true); // clinics[5]: its notifications signed
        Path secret = Files.writeString(work.resolve("signed-hook-secret"), SECRET + "\n");
        // Records refused within 45 s count: the event resolves by itself that long after the last refusal.
        bridge = AlertBridge.start(work.resolve("bridge"), RECEIVER.baseUrl(), clinics, "--bridge.alerts.intake-within=45s",
                "--bridge.alerts.links-base-url=https://bridge.example.org/",
                "--bridge.clinics[5].alerts.webhook-secret-file=" + secret.toAbsolutePath());
        bridge.client.awaitUp(Duration.ofMinutes(4));
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
        RECEIVER.stop();
    }

    @Test
    void anEventIsNotifiedOnceWhileItHoldsThenOnceWhenItResolvesWithCountsLinksAndNoPatientData() throws Exception {
        bridge.sendRefusedPatients("once", "ONC", 4);
        await().atMost(DELIVERED).until(() -> posts(RECEIVER, "once").size() == 1);

        // A clinic refused after that first notification is notified by a later evaluation, one that saw "once" still firing.
        bridge.sendRefusedPatients("witness", "WIT", 3);
        await().atMost(DELIVERED).until(() -> posts(RECEIVER, "witness").size() == 1);
        assertThat(posts(RECEIVER, "once")).as("evaluations after the first one sent nothing more").hasSize(1);

        JsonNode fired = body(posts(RECEIVER, "once").get(0));
        assertThat(fired.get("id").asText()).isEqualTo("once/intake-refusing-most/1");
        assertThat(fired.get("clinic").asText()).isEqualTo("once");
        assertThat(fired.get("event").asText()).isEqualTo("intake-refusing-most");
        assertThat(fired.get("status").asText()).isEqualTo("firing");
        assertThat(fired.at("/counts/recordsReceivedRecently").asLong()).isEqualTo(4);
        assertThat(fired.at("/counts/recordsRefusedRecently").asLong()).isEqualTo(4);
        assertThat(fired.at("/links/files").asText()).isEqualTo("https://bridge.example.org/api/v1/clinics/once/files");
        assertThat(fired.at("/links/health").asText()).isEqualTo("https://bridge.example.org/actuator/health");
        assertThat(posts(RECEIVER, "once").get(0).getHeader("Content-Type")).startsWith("application/json");
        assertThat(posts(RECEIVER, "once").get(0).containsHeader(WebhookSignature.SIGNATURE_HEADER)).as("no secret, no signature").isFalse();

        // 45 s after the refusals they no longer count: the event resolves, and is told so once.
        await().atMost(Duration.ofMinutes(3)).until(() -> posts(RECEIVER, "once").size() == 2);
        JsonNode resolved = posts(RECEIVER, "once").stream().map(AlertWebhookTest::body)
                .filter(b -> b.get("status").asText().equals("resolved")).findFirst().orElseThrow();
        assertThat(resolved.get("id").asText()).isEqualTo("once/intake-refusing-most/2");
        assertThat(resolved.get("status").asText()).isEqualTo("resolved");
        assertThat(resolved.at("/counts/recordsRefusedRecently").asLong()).isZero();

        for (LoggedRequest notification : posts(RECEIVER, "once")) {
            for (String phi : List.of("ONC-0", "ONC-3", "ONCOkonkwo", "Okonkwo", "Marisol", "1961-07-23", "sometimes")) {
                assertThat(notification.getBodyAsString()).as("a notification mentions %s", phi).doesNotContain(phi);
            }
        }
    }

    @Test
    void aNotificationTheReceiverFailsIsRetriedUntilItAnswers2xx() throws Exception {
        RECEIVER.stubFor(post(urlEqualTo("/hooks/retry")).atPriority(1).willReturn(aResponse().withStatus(500)));
        bridge.sendRefusedPatients("retry", "RET", 3);
        await().atMost(DELIVERED).until(() -> {
            Map<String, Object> state = bridge.state("retry", "intake-refusing-most");
            return state != null && ((Number) state.get("attempts")).intValue() >= 2;
        });
        Map<String, Object> failing = bridge.state("retry", "intake-refusing-most");
        assertThat(failing.get("last_error")).isEqualTo("HTTP 500");
        assertThat(failing.get("notified_status")).as("not delivered yet").isNull();

        RECEIVER.stubFor(post(urlEqualTo("/hooks/retry")).atPriority(1).willReturn(aResponse().withStatus(200)));
        await().atMost(DELIVERED).until(() -> "FIRING".equals(bridge.notified("retry", "intake-refusing-most")));
        Map<String, Object> delivered = bridge.state("retry", "intake-refusing-most");
        assertThat(delivered.get("attempts")).isEqualTo(0);
        assertThat(delivered.get("last_error")).isNull();

        // Firing ones only: 45 s after the refusals the event resolves, and that is told too.
        List<LoggedRequest> tries = posts(RECEIVER, "retry").stream().filter(t -> body(t).get("status").asText().equals("firing")).toList();
        int failed = ((Number) failing.get("attempts")).intValue();
        assertThat(tries.size()).as("every failed try, then the one answered 200").isGreaterThan(failed);
        assertThat(tries).as("every try is the same notification").allSatisfy(t ->
                assertThat(body(t).get("id").asText()).isEqualTo("retry/intake-refusing-most/1"));
    }

    /**
     * A clinic with a webhook secret: the receiver recomputes the HMAC-SHA256 of the timestamp, a dot
     * and the body it received, with the secret it shares, and finds the signature sent; a body
     * changed on the way would not match. The secret itself is never sent.
     */
    @Test
    void aClinicWithAWebhookSecretSignsEachNotificationSoTheReceiverCanCheckIt() throws Exception {
        bridge.sendRefusedPatients("signed", "SGN", 3);
        await().atMost(DELIVERED).until(() -> !posts(RECEIVER, "signed").isEmpty());
        LoggedRequest notification = posts(RECEIVER, "signed").get(0);
        String timestamp = notification.getHeader(WebhookSignature.TIMESTAMP_HEADER);
        String signature = notification.getHeader(WebhookSignature.SIGNATURE_HEADER);
        String body = new String(notification.getBody(), StandardCharsets.UTF_8);

        assertThat(body(notification).get("clinic").asText()).isEqualTo("signed");
        assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp))).as("seconds since the epoch, now")
                .isLessThan(600);
        assertThat(signature).isEqualTo("sha256=" + hmacSha256(SECRET, timestamp + "." + body));
        assertThat(signature).isNotEqualTo("sha256=" + hmacSha256(SECRET, timestamp + "." + body.replace("\"firing\"", "\"resolved\"")));
        assertThat(notification.getAllHeaderKeys().stream().map(notification::getHeader)).noneMatch(v -> v.contains(SECRET));
        assertThat(body).doesNotContain(SECRET);
    }

    /** What a receiver computes: HMAC-SHA256 keyed by the shared secret, as lower-case hex. */
    private static String hmacSha256(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aClinicWithoutAWebhookSendsNothing() throws Exception {
        bridge.sendRefusedPatients("silent", "SIL", 5);
        // Notified by an evaluation after the refusals: one that would have found "silent" refusing most too.
        bridge.sendRefusedPatients("witness2", "WI2", 3);
        await().atMost(DELIVERED).until(() -> posts(RECEIVER, "witness2").size() == 1);
        assertThat(bridge.state("silent", "intake-refusing-most")).as("not even evaluated").isNull();
        assertThat(RECEIVER.getAllServeEvents()).noneMatch(e -> e.getRequest().getUrl().contains("silent")
                || e.getRequest().getBodyAsString().contains("silent"));
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
