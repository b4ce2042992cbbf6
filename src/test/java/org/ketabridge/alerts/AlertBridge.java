package org.ketabridge.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ketabridge.KetaBridgeApplication;
import org.ketabridge.support.BridgeClient;
import org.ketabridge.support.TestTokens;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The whole bridge in this JVM on an H2 file of the test's own (so a test can stop it and start it
 * again on the same database), with store-only clinics whose alerts go to a WireMock receiver at
 * {@code /hooks/{clinic}}, the auditors' store off. Alerts evaluated every 200 ms.
 */
final class AlertBridge implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    final BridgeClient client;
    final JdbcClient jdbc;

    private AlertBridge(ConfigurableApplicationContext context) {
        this.context = context;
        this.client = new BridgeClient(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
        this.jdbc = context.getBean(JdbcClient.class);
    }

    /** {@code clinics}: id to whether it has a webhook. */
    static AlertBridge start(Path database, String receiverBaseUrl, Map<String, Boolean> clinics, String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--spring.datasource.url=jdbc:h2:file:" + database.toAbsolutePath() + ";WRITE_DELAY=0",
                "--bridge.auditor-store.enabled=false",
                "--bridge.security.local-key-dir=" + TestTokens.KEY_DIR,
                "--bridge.alerts.evaluate-every=200ms",
                "--bridge.alerts.initial-backoff=100ms",
                "--bridge.alerts.max-backoff=400ms",
                "--bridge.alerts.intake-at-least=3"));
        int i = 0;
        for (Map.Entry<String, Boolean> clinic : clinics.entrySet()) {
            args.add("--bridge.clinics[" + i + "].id=" + clinic.getKey());
            args.add("--bridge.clinics[" + i + "].time-zone=UTC");
            args.add("--bridge.clinics[" + i + "].ehr.type=none");
            if (clinic.getValue()) {
                args.add("--bridge.clinics[" + i + "].alerts.webhook-url=" + receiverBaseUrl + "/hooks/" + clinic.getKey());
            }
            i++;
        }
        args.addAll(List.of(more));
        return new AlertBridge(new SpringApplication(KetaBridgeApplication.class).run(args.toArray(String[]::new)));
    }

    /**
     * Records the clinic sends that are all refused (an unknown {@code sex}), each with a synthetic
     * patient's MRN ({@code {prefix}-n}), names and birth date for a test to look for.
     */
    void sendRefusedPatients(String clinicId, String prefix, int count) throws Exception {
        StringBuilder ndjson = new StringBuilder();
        for (int n = 0; n < count; n++) {
            ndjson.append("{\"mrn\":\"").append(prefix).append('-').append(n).append("\",\"familyName\":\"")
                    .append(prefix).append("Okonkwo\",\"givenName\":\"Marisol\",\"birthDate\":\"1961-07-23\",")
                    .append("\"sex\":\"sometimes\"}\n");
        }
        HttpResponse<String> answer = client.postPatients(clinicId, ndjson.toString());
        assertThat(answer.statusCode()).as(answer.body()).isIn(202, 422);
        assertThat(answer.body()).as("every record refused").contains("\"rejected\":" + count);
    }

    /** The event's row: status, what the receiver was told, attempts, last error; null when the event never fired. */
    Map<String, Object> state(String clinicId, String event) {
        return jdbc.sql("select status, notified_status, transition, attempts, last_error from alert_state"
                        + " where clinic_id = ? and event = ?")
                .params(clinicId, event).query().listOfRows().stream().findFirst().orElse(null);
    }

    /** What the receiver was told of the event (FIRING, RESOLVED), null when nothing yet. */
    String notified(String clinicId, String event) {
        Map<String, Object> state = state(clinicId, event);
        return state == null ? null : (String) state.get("notified_status");
    }

    static List<LoggedRequest> posts(WireMockServer receiver, String clinicId) {
        return receiver.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/hooks/" + clinicId)));
    }

    static final Duration DELIVERED = Duration.ofSeconds(60);

    @Override
    public void close() {
        context.close();
    }
}
