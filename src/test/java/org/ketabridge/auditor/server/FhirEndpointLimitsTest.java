package org.ketabridge.auditor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import ca.uhn.fhir.jpa.util.ResourceCountCache;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestTokens;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What /fhir must never do, whoever asks (issue 11, items 10, 11, 12 and 15): run an export or a
 * log over a clinic the token does not cover, tell anything (counts, tags, profiles, history)
 * about a clinic outside the caller's scope, change anything in the store, or open a page of
 * someone else's search to a caller who could not have run it.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class FhirEndpointLimitsTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    private AuditorStore store;

    private String p;
    private List<String> mrns;

    @BeforeEach
    void threeGammaPatientsInTheStore() {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
        p = prefix();
        mrns = List.of(p + "-1", p + "-2", p + "-3");
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/x-ndjson",
                ndjson(mrns.stream().map(m -> patient(m)).toArray(String[]::new))).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> total(send("GET", patientSearch(), TestTokens.admin(), null)) == 3);
    }

    // Item 10: before the fix, alpha's auditor got 202 for gamma's export (and 200 for gamma's log, empty),
    // and the AuditEvent went to alpha's partition, where gamma's auditors never see it.
    @Test
    void aClinicOutsideTheTokenIsRefusedAndAuditedInThatClinic() throws Exception {
        String alpha = TestTokens.auditor("alpha");
        SoftAssertions soft = new SoftAssertions();
        String exportId = "limits-export-" + UUID.randomUUID();
        HttpResponse<String> export = send("GET", "/fhir/$export?_type=Patient&clinic=gamma", alpha, null, exportId);
        soft.assertThat(export.statusCode()).as("alpha's auditor exporting gamma: " + export.body()).isEqualTo(404);
        String logId = "limits-log-" + UUID.randomUUID();
        HttpResponse<String> log = send("GET", "/fhir/MedicationAdministration/$controlled-substance-log?clinic=gamma"
                + "&start=2026-10-01&end=2026-10-31", alpha, null, logId);
        soft.assertThat(log.statusCode()).as("alpha's auditor reading gamma's controlled-substance log").isEqualTo(404);
        String pollId = "limits-poll-" + UUID.randomUUID();
        soft.assertThat(send("GET", "/fhir/$export-poll-status?_jobId=" + UUID.randomUUID() + "&clinic=gamma", alpha, null, pollId)
                .statusCode()).as("alpha's auditor polling in gamma's name").isEqualTo(404);
        soft.assertThat(send("GET", "/fhir/$export?_type=Patient&clinic=gamma&clinic=alpha", TestTokens.admin(), null).statusCode())
                .as("a clinic named twice").isEqualTo(400);
        soft.assertThat(send("GET", "/fhir/$export?_type=Patient&clinic=gamma", TestTokens.auditor("alpha", "gamma"), null)
                .statusCode()).as("a clinic the token covers").isEqualTo(202);
        soft.assertAll();

        for (String requestId : List.of(exportId, logId, pollId)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select count(*) from access_audit where request_id = ?"
                    + " and stored_at is not null").param(requestId).query(Integer.class).single() == 1);
            var row = jdbc.sql("select id, clinic_id from access_audit where request_id = ?").param(requestId)
                    .query((rs, n) -> new Object[] {rs.getLong("id"), rs.getString("clinic_id")}).single();
            assertThat(row[1]).as(requestId + ": kept in the clinic it named").isEqualTo("gamma");
            assertThat(send("GET", "/fhir/AuditEvent/kb-audit-" + row[0], TestTokens.auditor("gamma"), null).statusCode())
                    .as(requestId + ": gamma's auditors see who tried").isEqualTo(200);
        }
    }

    // Item 11: before the fix, the public CapabilityStatement carried every partition's resource counts, and
    // $meta and $get-resource-counts answered over every partition to a token that covers no clinic at all.
    @Test
    void nothingTellsACallerAnythingAboutClinicsOutsideTheirScope() throws Exception {
        ResourceCountCache counts = store.storeBean(ResourceCountCache.class).orElseThrow();
        counts.clear();
        counts.update();
        assertThat(counts.get()).as("the store has counted its resources").containsKey("Patient");

        // (no-cache: HAPI otherwise answers with the statement it made up to a minute ago, before the count.)
        HttpResponse<String> metadata = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/metadata"))
                .header("Cache-Control", "no-cache").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).as("the public CapabilityStatement").doesNotContain("resourceCount");

        String gammaId = JSON.readTree(send("GET", patientSearch(), TestTokens.admin(), null).body())
                .at("/entry/0/resource/id").asText();
        String nobody = TestTokens.auditor("no-such-clinic");
        SoftAssertions soft = new SoftAssertions();
        for (String path : List.of("/fhir/$meta", "/fhir/Patient/$meta", "/fhir/Patient/" + gammaId + "/$meta",
                "/fhir/$get-resource-counts", "/fhir/_history", "/fhir/Patient/_history", "/fhir/Patient?_summary=count",
                "/fhir/Patient?_total=accurate", "/fhir/Patient/" + gammaId + "/$everything", "/fhir/Patient/" + gammaId + "/$diff",
                "/fhir/Patient/" + gammaId + "/_history")) {
            HttpResponse<String> r = send("GET", path, nobody, null);
            if (r.statusCode() >= 400) {
                continue;
            }
            soft.assertThat(revealed(r.body())).as(path + " to a token covering no clinic (HTTP " + r.statusCode() + ")").isEmpty();
        }
        soft.assertAll();
    }

    // Item 12: before the fix, a POST whose path ended in /_search passed the read-only check and HAPI ran
    // the operation before it ($meta-add on an AuditEvent).
    @Test
    void nobodyChangesTheStoreThroughFhirNotEvenAnAdmin() throws Exception {
        String requestId = "limits-write-" + UUID.randomUUID();
        send("GET", patientSearch(), TestTokens.admin(), null, requestId);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select count(*) from access_audit where request_id = ?"
                + " and stored_at is not null").param(requestId).query(Integer.class).single() == 1);
        long row = jdbc.sql("select id from access_audit where request_id = ?").param(requestId).query(Long.class).single();
        String event = "/fhir/AuditEvent/kb-audit-" + row;
        String tag = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":{\"tag\":"
                + "[{\"system\":\"urn:test:tampered\",\"code\":\"" + p + "\"}]}}]}";

        SoftAssertions soft = new SoftAssertions();
        for (String path : List.of(event + "/$meta-add/_search", event + "/$meta-add", event + "/$meta-delete/_search")) {
            HttpResponse<String> r = send("POST", path, TestTokens.admin(), tag);
            soft.assertThat(r.statusCode()).as("an admin's POST " + path + ": " + r.body()).isEqualTo(405);
        }
        soft.assertThat(send("GET", event, TestTokens.admin(), null).body()).as("the AuditEvent after all that")
                .doesNotContain("urn:test:tampered");
        // Searching with POST is still reading: it works.
        HttpResponse<String> postSearch = send("POST", "/fhir/Patient/_search", TestTokens.admin(),
                "identifier=" + enc(mrns.stream().map(m -> "urn:ketabridge:gamma/mrn|" + m).collect(Collectors.joining(","))));
        soft.assertThat(postSearch.statusCode()).as("POST _search: " + postSearch.body()).isEqualTo(200);
        soft.assertThat(total(postSearch)).isEqualTo(3);
        // An auditor may search by POST as by GET (before: 403, the path matched only an admin's rule),
        // within their clinics only.
        String form = "identifier=" + enc(mrns.stream().map(m -> "urn:ketabridge:gamma/mrn|" + m).collect(Collectors.joining(",")));
        HttpResponse<String> gammas = send("POST", "/fhir/Patient/_search", TestTokens.auditor("gamma"), form);
        soft.assertThat(gammas.statusCode()).as("gamma's auditor, POST _search: " + gammas.body()).isEqualTo(200);
        soft.assertThat(total(gammas)).isEqualTo(3);
        HttpResponse<String> alphas = send("POST", "/fhir/Patient/_search", TestTokens.auditor("alpha"), form);
        soft.assertThat(alphas.statusCode()).as("alpha's auditor, POST _search").isEqualTo(200);
        soft.assertThat(total(alphas)).as("alpha's auditor sees none of gamma's patients").isEqualTo(0);
        HttpResponse<String> auditorWrite = send("POST", event + "/$meta-add", TestTokens.auditor("gamma"), tag);
        soft.assertThat(auditorWrite.statusCode()).as("an auditor's POST of anything but a search").isEqualTo(403);
        soft.assertAll();
    }

    /**
     * A search by POST is audited with its form, so the form is read before the search runs: one
     * longer than a form may be (256 KiB in tests, Tomcat's limit) is refused, never half-read, and
     * the refusal is in the audit trail like any other.
     */
    @Test
    void aSearchFormLongerThanAFormMayBeIsRefusedAndAudited() throws Exception {
        String requestId = "limits-form-" + UUID.randomUUID();
        String form = "identifier=" + enc("urn:ketabridge:gamma/mrn|" + mrns.get(0)) + "&_elements=" + "id,".repeat(100_000) + "id";
        HttpResponse<String> r = send("POST", "/fhir/Patient/_search", TestTokens.auditor("gamma"), form, requestId);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).at("/issue/0/code").asText()).isEqualTo("too-long");
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select count(*) from access_audit where request_id = ?"
                + " and status = 413 and stored_at is not null").param(requestId).query(Integer.class).single() == 1);
    }

    // Item 15: before the fix, alpha's auditor following the next link of an admin's or of gamma's auditor's
    // search got gamma's patients.
    @Test
    void aPageLinkOpensOnlyForCallersWhoCouldHaveRunTheSearch() throws Exception {
        String gamma = TestTokens.auditor("gamma");
        String alpha = TestTokens.auditor("alpha");
        String adminsNext = next(send("GET", patientSearch() + "&_count=1", TestTokens.admin(), null));
        String gammasNext = next(send("GET", patientSearch() + "&_count=1", gamma, null));

        SoftAssertions soft = new SoftAssertions();
        for (var attempt : List.of(List.of("alpha's auditor, an admin's search", adminsNext, alpha),
                List.of("gamma's auditor, an admin's search", adminsNext, gamma),
                List.of("alpha's auditor, gamma's auditor's search", gammasNext, alpha))) {
            HttpResponse<String> r = send("GET", attempt.get(1), attempt.get(2), null);
            soft.assertThat(r.statusCode()).as(attempt.get(0) + ": " + r.statusCode()).isEqualTo(410);
            soft.assertThat(r.body()).as(attempt.get(0)).doesNotContain("urn:ketabridge:gamma");
        }
        for (var allowed : List.of(List.of("gamma's own", gamma), List.of("an admin", TestTokens.admin()),
                List.of("an auditor of gamma and alpha", TestTokens.auditor("alpha", "gamma")))) {
            HttpResponse<String> r = send("GET", gammasNext, allowed.get(1), null);
            soft.assertThat(r.statusCode()).as(allowed.get(0) + " following gamma's auditor's next link").isEqualTo(200);
            soft.assertThat(r.body()).as(allowed.get(0)).contains("urn:ketabridge:gamma/mrn");
        }
        soft.assertAll();
    }

    /**
     * A paging parameter that is not a whole number is the caller's mistake: 400 with an
     * OperationOutcome naming the parameter, never echoing the value, and never a 500. Before:
     * {@code $everything?_count=abc} and {@code _offset=x} answered 500 (a NumberFormatException
     * quoting the value), a search's {@code _offset=-3} 500 from the database, a history's
     * {@code _count=abc} 200 (ignored), a search's {@code _count=abc} 400 quoting the value.
     */
    @Test
    void aMalformedPagingParameterIsABadRequestNamingTheParameter() throws Exception {
        String patientId = JSON.readTree(send("GET", patientSearch(), TestTokens.admin(), null).body())
                .path("entry").get(0).path("resource").path("id").asText();
        SoftAssertions soft = new SoftAssertions();
        for (String path : List.of(
                "/fhir/Patient/" + patientId + "/$everything?_count=abc",
                "/fhir/Patient/" + patientId + "/$everything?_count=-1",
                "/fhir/Patient/" + patientId + "/$everything?_offset=x",
                patientSearch() + "&_count=abc",
                patientSearch() + "&_count=1.5",
                patientSearch() + "&_offset=-3",
                "/fhir/Patient/" + patientId + "/_history?_count=abc",
                "/fhir?_getpagesoffset=abc&_getpages=x")) {
            HttpResponse<String> r = send("GET", path, TestTokens.auditor("gamma"), null);
            soft.assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(400);
            soft.assertThat(r.body()).as(path).containsAnyOf("_count", "_offset", "_getpagesoffset").doesNotContain("abc");
        }
        soft.assertAll();
    }

    /** What an answer tells about stored resources: entries, non-zero totals or counts, tags and profiles. */
    private static List<String> revealed(String body) throws Exception {
        JsonNode json = JSON.readTree(body);
        List<String> found = new java.util.ArrayList<>();
        if (json.path("total").asInt(0) > 0) {
            found.add("total " + json.get("total"));
        }
        if (json.path("entry").size() > 0) {
            found.add(json.get("entry").size() + " entries");
        }
        json.path("parameter").forEach(parameter -> {
            if (parameter.path("valueInteger").asInt(0) > 0 || parameter.has("valueMeta") && parameter.get("valueMeta").size() > 0) {
                found.add("parameter " + parameter);
            }
        });
        if (body.contains("urn:ketabridge:")) {
            found.add("a KetaBridge identifier");
        }
        return found;
    }

    private String patientSearch() {
        return "/fhir/Patient?identifier=" + enc(mrns.stream().map(m -> "urn:ketabridge:gamma/mrn|" + m).collect(Collectors.joining(",")));
    }

    private static String next(HttpResponse<String> bundle) throws Exception {
        assertThat(bundle.statusCode()).as(bundle.body()).isEqualTo(200);
        for (JsonNode link : JSON.readTree(bundle.body()).path("link")) {
            if (link.path("relation").asText().equals("next")) {
                URI next = URI.create(link.get("url").asText());
                return next.getRawPath() + "?" + next.getRawQuery();
            }
        }
        throw new AssertionError("no next link: " + bundle.body());
    }

    private static int total(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("total").asInt(-1);
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return send(method, path, token, body, "limits-" + UUID.randomUUID());
    }

    private HttpResponse<String> send(String method, String path, String token, String body, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("X-Request-Id", requestId).header("Accept", "application/fhir+json").timeout(Duration.ofSeconds(30));
        if (path.contains("$export")) {
            request.header("Prefer", "respond-async");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", body.startsWith("{") ? "application/fhir+json" : "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
