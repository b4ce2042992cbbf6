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

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge stopped and started again on the same database: a notification the receiver had
 * refused is delivered by the new run, and one it had taken is not sent again (the event still
 * holds, and alert_state says the receiver knows).
 */
class AlertRestartTest {

    @TempDir
    Path work;
    private final WireMockServer receiver = new WireMockServer(wireMockConfig().dynamicPort());
    private AlertBridge bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        receiver.stop();
    }

    @Test
    void aRestartDeliversWhatWasNotDeliveredAndResendsNothing() throws Exception {
        receiver.start();
        receiver.stubFor(post(urlPathMatching("/hooks/.*")).willReturn(aResponse().withStatus(200)));
        receiver.stubFor(post(urlEqualTo("/hooks/north")).atPriority(1).willReturn(aResponse().withStatus(503)));
        Map<String, Boolean> clinics = new LinkedHashMap<>();
        clinics.put("north", true);
        clinics.put("south", true);
        clinics.put("east", true);
        Path database = work.resolve("bridge");
        // The refusals count for 10 minutes: the events still hold after the restart.
        String window = "--bridge.alerts.intake-within=10m";

        bridge = AlertBridge.start(database, receiver.baseUrl(), clinics, window);
        bridge.client.awaitUp(Duration.ofMinutes(4));
        bridge.sendRefusedPatients("north", "NOR", 3);
        bridge.sendRefusedPatients("south", "SOU", 3);
        await().atMost(DELIVERED).until(() -> "FIRING".equals(bridge.notified("south", "intake-refusing-most")));
        await().atMost(DELIVERED).until(() -> {
            Map<String, Object> north = bridge.state("north", "intake-refusing-most");
            return north != null && "HTTP 503".equals(north.get("last_error"));
        });
        bridge.close();
        bridge = null;
        int northTriesBefore = posts(receiver, "north").size();
        assertThat(posts(receiver, "south")).hasSize(1);

        receiver.stubFor(post(urlEqualTo("/hooks/north")).atPriority(1).willReturn(aResponse().withStatus(200)));
        bridge = AlertBridge.start(database, receiver.baseUrl(), clinics, window);
        bridge.client.awaitUp(Duration.ofMinutes(4));
        await().atMost(DELIVERED).until(() -> "FIRING".equals(bridge.notified("north", "intake-refusing-most")));
        assertThat(posts(receiver, "north")).as("the refused tries, then the one delivery").hasSize(northTriesBefore + 1);
        assertThat(bridge.state("north", "intake-refusing-most").get("transition")).as("the same change, not a new one")
                .isEqualTo(1L);

        // Notified by an evaluation after the restart's first: south, still firing, was evaluated and not resent.
        bridge.sendRefusedPatients("east", "EAS", 3);
        await().atMost(DELIVERED).until(() -> posts(receiver, "east").size() == 1);
        assertThat(posts(receiver, "south")).as("delivered before the restart: not sent again").hasSize(1);
    }
}
