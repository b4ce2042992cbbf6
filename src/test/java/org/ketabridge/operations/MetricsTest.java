package org.ketabridge.operations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TestTokens;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.yaml.snakeyaml.Yaml;

/**
 * Metrics and health as an operator meets them (issue 17): after a known scenario the scrape says
 * what happened, in counts; it carries no patient data; only the metrics role and admins may
 * scrape; every metric the alerting rules use is in a real scrape; the probes answer, and the
 * EHRs' health shows admins (only) a clinic's unreachable EHR.
 */
class MetricsTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SYNCED = Duration.ofSeconds(60);
    private static final String RULES = "src/main/resources/prometheus/ketabridge-alerts.yml";

    @Test
    void aKnownScenarioIsScrapedAsItsCountsWithoutPatientData() {
        String p = prefix();
        // Synthetic patients, with names of their own to look for in the scrape.
        List<String> mrns = List.of(p + "-SENT1", p + "-SENT2", p + "-DEAD");
        List<String> names = List.of(p + "Okafor", p + "Lindqvist", p + "Castellanos");
        ALPHA_EHR.stubFor(put(urlPathEqualTo("/fhir/Patient")).atPriority(1).withRequestBody(containing(mrns.get(2)))
                .willReturn(aResponse().withStatus(400)));
        PrometheusScrape before = scrape();

        String refused = "{\"mrn\":\"" + p + "-REFUSED\",\"familyName\":\"" + p + "Nakamura\"}";
        var answer = httpPost("/api/v1/clinics/alpha/patients", "application/x-ndjson", ndjson(
                patient(mrns.get(0), names.get(0)), patient(mrns.get(1), names.get(1)), patient(mrns.get(2), names.get(2)), refused));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> "SENT".equals(taskStatus("alpha", "PATIENT", mrns.get(0)))
                && "SENT".equals(taskStatus("alpha", "PATIENT", mrns.get(1)))
                && "DEAD".equals(taskStatus("alpha", "PATIENT", mrns.get(2))));

        // The queue gauges are read at most once a second (application-test.yaml): wait for a read after the scenario.
        PrometheusScrape after = await().atMost(Duration.ofSeconds(30)).until(this::scrape,
                s -> s.sum("ketabridge_sync_tasks", "clinic", "alpha", "state", "sent")
                        - before.sum("ketabridge_sync_tasks", "clinic", "alpha", "state", "sent") >= 2
                        && s.sum("ketabridge_sync_tasks", "clinic", "alpha", "state", "dead")
                        - before.sum("ketabridge_sync_tasks", "clinic", "alpha", "state", "dead") >= 1);
        assertThat(delta(before, after, "ketabridge_intake_records_total",
                "clinic", "alpha", "kind", "patients", "channel", "http", "outcome", "accepted")).isEqualTo(3);
        assertThat(delta(before, after, "ketabridge_intake_records_total",
                "clinic", "alpha", "kind", "patients", "channel", "http", "outcome", "refused")).isEqualTo(1);
        // Queue gauges and EHR answers count clinic alpha as a whole: a task another test left moving may add to
        // them, so they are at least this scenario's counts (the intake counters above are this scenario's alone).
        assertThat(delta(before, after, "ketabridge_sync_tasks", "clinic", "alpha", "state", "sent")).isGreaterThanOrEqualTo(2);
        assertThat(delta(before, after, "ketabridge_sync_tasks", "clinic", "alpha", "state", "dead")).isGreaterThanOrEqualTo(1);
        // The EHR's one 400, and the writes it took (each patient's Patient and Provenance).
        assertThat(delta(before, after, "ketabridge_ehr_requests_seconds_count", "clinic", "alpha", "status_class", "4xx"))
                .isGreaterThanOrEqualTo(1);
        assertThat(delta(before, after, "ketabridge_ehr_requests_seconds_count", "clinic", "alpha", "status_class", "2xx"))
                .isGreaterThanOrEqualTo(4);
        assertThat(after.sum("ketabridge_ehr_requests_seconds_bucket", "clinic", "alpha", "status_class", "4xx", "le", "+Inf"))
                .isEqualTo(after.sum("ketabridge_ehr_requests_seconds_count", "clinic", "alpha", "status_class", "4xx"));
        // Each accepted patient was judged valid: by the full validator, or by the gate on a shape it admitted.
        assertThat(delta(before, after, "ketabridge_validation_seconds_count", "outcome", "valid")
                + delta(before, after, "ketabridge_validation_gate_passes_total")).isGreaterThanOrEqualTo(3);
        assertThat(after.sum("ketabridge_ehr_circuit_state", "clinic", "alpha", "state", "closed")).isEqualTo(1);
        assertThat(after.sum("ketabridge_ehr_credentials_held", "clinic", "alpha")).isZero();

        // No patient data in any label or line: MRNs, names, the birth date of the test records.
        for (String phi : List.of(mrns.get(0), mrns.get(1), mrns.get(2), p + "-REFUSED", names.get(0), names.get(1),
                names.get(2), p + "Nakamura", "Testperson", "Alex", "1984-03-12")) {
            assertThat(after.text()).as("the scrape mentions %s", phi).doesNotContain(phi);
        }
        Set<String> labelNames = new TreeSet<>();
        after.samples().stream().filter(s -> s.name().startsWith("ketabridge_")).forEach(s -> labelNames.addAll(s.labels().keySet()));
        assertThat(labelNames).as("the bridge's labels").isSubsetOf("clinic", "kind", "channel", "outcome", "state",
                "status_class", "le");
    }

    @Test
    void onlyTheMetricsRoleAndAdminsMayScrape() {
        assertThat(httpGet("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(httpGet("/actuator/prometheus", TestTokens.auditor("alpha")).statusCode()).isEqualTo(403);
        assertThat(httpGet("/actuator/prometheus", TestTokens.clinicIt("alpha")).statusCode()).isEqualTo(403);
        assertThat(httpGet("/actuator/prometheus", TestTokens.metrics()).statusCode()).isEqualTo(200);
        assertThat(httpGet("/actuator/prometheus", TestTokens.admin()).statusCode()).isEqualTo(200);
        // The scrape role reads metrics and nothing else.
        assertThat(httpGet("/api/v1/clinics/alpha/sync", TestTokens.metrics()).statusCode()).isEqualTo(403);
        assertThat(httpGet("/fhir/Patient", TestTokens.metrics()).statusCode()).isEqualTo(403);
        assertThat(httpGet("/actuator/metrics", TestTokens.metrics()).statusCode()).isEqualTo(403);
    }

    @Test
    void everyMetricTheAlertsUseIsInARealScrape() throws Exception {
        // The intake and EHR meters appear with their first use: one record in, one refused, one sent.
        String mrn = prefix() + "-R";
        httpPost("/api/v1/clinics/alpha/patients", "application/x-ndjson", ndjson(patient(mrn), "{\"mrn\":\"x\"}"));
        await().atMost(SYNCED).until(() -> "SENT".equals(taskStatus("alpha", "PATIENT", mrn)));
        PrometheusScrape scrape = scrape();

        Set<String> used = metricsUsedByTheAlerts();
        assertThat(used).as("the rules' metrics").hasSizeGreaterThanOrEqualTo(6);
        for (String metric : used) {
            assertThat(scrape.hasSample(metric)).as("%s (used by ketabridge-alerts.yml) is in the scrape", metric).isTrue();
        }
    }

    @Autowired
    private ApplicationContext context;

    @Test
    void probesAnswerAndAnUnreachableEhrIsShownToAdminsOnly() throws Exception {
        assertThat(status(httpGet("/actuator/health/liveness", null).body())).isEqualTo("UP");
        assertThat(status(httpGet("/actuator/health/readiness", null).body())).isEqualTo("UP");
        // Not ready (starting, or stopping): 503, so a load balancer sends nothing to routes not there yet.
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            assertThat(httpGet("/actuator/health/readiness", null).statusCode()).isEqualTo(503);
            assertThat(httpGet("/actuator/health", null).statusCode()).isEqualTo(503);
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
        assertThat(httpGet("/actuator/health/readiness", null).statusCode()).isEqualTo(200);

        // The EHR cuts every connection: no answer to anything (retried, then the circuit opens).
        String mrn = prefix() + "-CUT";
        ALPHA_EHR.stubFor(any(urlPathMatching("/fhir.*")).atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        httpPost("/api/v1/clinics/alpha/patients", "application/x-ndjson", ndjson(patient(mrn)));
        JsonNode alpha = await().atMost(SYNCED).until(() -> adminHealth().path("components").path("ehrs")
                .path("components").path("alpha"), a -> "DEGRADED".equals(a.path("status").asText()));
        assertThat(alpha.path("details").path("state").asText()).isIn("unreachable", "circuit-open");
        var overall = httpGet("/actuator/health", null);
        assertThat(overall.statusCode()).as("one clinic's EHR never takes the bridge out").isEqualTo(200);
        JsonNode anonymous = JSON.readTree(overall.body());
        assertThat(anonymous.has("components")).as("status only for anyone but an admin: %s", overall.body()).isFalse();
        JsonNode clinicIt = JSON.readTree(httpGet("/actuator/health", TestTokens.clinicIt("alpha")).body());
        assertThat(clinicIt.has("components")).isFalse();
        assertThat(status(httpGet("/actuator/health/readiness", null).body())).isEqualTo("UP");

        // Once the EHR answers again, alpha is up.
        FakeEhr.reset(ALPHA_EHR);
        // Under load the cut patient's retries and the breaker's half-open trial take their time: wait long.
        // A new patient each time: an open breaker half-opens for a trial only when a write comes, and the
        // same patient again is unchanged, no write at all (seen: the breaker open once the cut patient and
        // the first new one were sent, nothing left to send, alpha "circuit-open" until the wait ran out).
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            httpPost("/api/v1/clinics/alpha/patients", "application/x-ndjson", ndjson(patient(prefix() + "-OK")));
            return "UP".equals(adminHealth().path("components").path("ehrs").path("components").path("alpha")
                    .path("status").asText());
        });
        JsonNode admin = adminHealth();
        assertThat(admin.path("components").path("auditorStore").has("status")).isTrue();
        assertThat(admin.path("components").path("fhirValidator").path("status").asText()).isEqualTo("UP");
    }

    private PrometheusScrape scrape() {
        var response = httpGet("/actuator/prometheus", TestTokens.metrics());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return PrometheusScrape.of(response.body());
    }

    private static double delta(PrometheusScrape before, PrometheusScrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private JsonNode adminHealth() throws Exception {
        return JSON.readTree(httpGet("/actuator/health", TestTokens.admin()).body());
    }

    private static String status(String body) throws Exception {
        return JSON.readTree(body).path("status").asText();
    }

    /** Every ketabridge_ metric named in an alert's expression. */
    @SuppressWarnings("unchecked")
    static Set<String> metricsUsedByTheAlerts() throws Exception {
        Map<String, Object> rules;
        try (InputStream in = Files.newInputStream(Path.of(RULES))) {
            rules = new Yaml().load(in);
        }
        Set<String> names = new TreeSet<>();
        Pattern metric = Pattern.compile("\\bketabridge_[a-z0-9_]+");
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                Matcher m = metric.matcher((String) rule.get("expr"));
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }
}
