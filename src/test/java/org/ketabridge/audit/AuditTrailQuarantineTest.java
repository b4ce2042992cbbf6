package org.ketabridge.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestTokens;
import org.ketabridge.validation.ResourceValidator;
import org.ketabridge.web.RequestIds;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The access audit trail never stops for one request: a request whose path names no storable
 * resource still becomes an AuditEvent, and a row the store refuses whatever we do is put aside
 * (kept, counted for admins, logged by row id) while the rows behind it reach the store.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuditTrailQuarantineTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** On a loaded machine the validator takes longer than the base class waits; the first test class pays for it. */
    @BeforeAll
    static void validatorLoaded(@Autowired ResourceValidator validator) {
        await().atMost(Duration.ofMinutes(8)).until(validator::isReady);
    }

    @BeforeEach
    void storeIsUp() {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
    }

    @Test
    void aRequestForAnUnknownResourceTypeIsAuditedAndTheTrailGoesOn() throws Exception {
        String unknownType = "unknown-" + UUID.randomUUID();
        assertThat(get("/fhir/Foo/bar", null, unknownType).statusCode()).isEqualTo(401);
        String numericId = "numeric-" + UUID.randomUUID();
        assertThat(get("/fhir/Patient/12345", TestTokens.admin(), numericId).statusCode()).isEqualTo(404);
        String later = "later-" + UUID.randomUUID();
        assertThat(get("/fhir/Patient?_count=1", TestTokens.admin(), later).statusCode()).isEqualTo(200);

        // Before: HAPI refused the first AuditEvent (entity.what = Foo/bar, no such resource type)
        // and the forwarder retried the same batch for ever; the later request never arrived.
        JsonNode laterEvent = awaitEvent(later);
        assertThat(laterEvent.path("outcome").asText()).isEqualTo("0");
        awaitEvent(numericId);
        JsonNode event = awaitEvent(unknownType);
        assertThat(event.path("outcome").asText()).isEqualTo("4");
        assertThat(event.toString()).as("what was asked stays in the description, not as a reference")
                .contains("GET /fhir/Foo/bar").doesNotContain("\"reference\":\"Foo/bar\"");
    }

    @Test
    void aRowTheStoreRefusesIsQuarantinedAndTheRowsBehindItAreStored(CapturedOutput output) throws Exception {
        // A row written for a clinic whose partition the store does not have (a clinic since removed
        // from the configuration): the store refuses it however often it is sent.
        String poisonId = "poison-" + UUID.randomUUID();
        jdbc.sql("insert into access_audit (request_id, occurred_at, method, path, status, clinic_id)"
                        + " values (?, ?, 'GET', '/api/v1/clinics/closed/sync', 200, 'closed-clinic')")
                .params(poisonId, OffsetDateTime.now()).update();
        long poisonRow = jdbc.sql("select id from access_audit where request_id = ?").param(poisonId).query(Long.class).single();
        String behind = "behind-" + UUID.randomUUID();
        assertThat(get("/fhir/Patient?_count=1", TestTokens.admin(), behind).statusCode()).isEqualTo(200);

        awaitEvent(behind);
        await().atMost(Duration.ofMinutes(1)).until(() -> jdbc.sql(
                "select count(*) from access_audit where id = ? and quarantined_at is not null").param(poisonRow)
                .query(Integer.class).single() == 1);
        assertThat(jdbc.sql("select stored_at from access_audit where id = ?").param(poisonRow)
                .query(OffsetDateTime.class).optional()).as("kept, not stored").isEmpty();

        // Counted where an admin looks, and logged by row id only.
        HttpResponse<String> metric = get("/actuator/metrics/ketabridge.access-audit.quarantined", TestTokens.admin(), null);
        assertThat(metric.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(metric.body()).path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(output.getAll()).contains("Access audit row " + poisonRow + " quarantined");
        assertThat(output.getAll()).doesNotContain(poisonId).doesNotContain("/api/v1/clinics/closed/sync");
    }

    private JsonNode awaitEvent(String requestId) throws Exception {
        long row = await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("select id from access_audit where request_id = ?")
                .param(requestId).query(Long.class).optional(), java.util.Optional::isPresent).get();
        HttpResponse<String>[] read = new HttpResponse[1];
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> {
            read[0] = get("/fhir/AuditEvent/kb-audit-" + row, TestTokens.admin(), null);
            return read[0].statusCode() == 200;
        });
        return JSON.readTree(read[0].body());
    }

    private HttpResponse<String> get(String path, String token, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET()
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (requestId != null) {
            request.header(RequestIds.HEADER, requestId);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
