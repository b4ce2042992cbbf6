package org.ketabridge.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.FakeEhr;

/**
 * An EHR that answers 401 or 403 refuses the bridge's credentials, not the record: nothing is
 * dead-lettered and no retry budget is spent; the clinic's sync is held (and shown as such in
 * its sync view) until the EHR accepts the credentials again, then every record arrives. Other
 * clinics keep syncing meanwhile.
 */
class EhrCredentialsTest extends BridgeTestSupport {

    private static final Duration SYNCED = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** This test counts attempts: it starts once the auditors' store has started (see there). */
    @BeforeEach
    void storeStarted() {
        awaitAuditorsStore();
    }

    @Test
    void a401HoldsTheClinicsSyncWithoutDeadLettersUntilTheEhrAcceptsTheCredentialsAgain() throws Exception {
        warmUp("alpha");
        refuseCredentials(ALPHA_EHR, 401);
        String p = prefix();
        List<String> mrns = List.of(p + "-0", p + "-1", p + "-2");
        String body = mrns.stream().map(m -> patient(m) + "\n").reduce("", String::concat);
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/x-ndjson", body).statusCode()).isEqualTo(202);
        String other = p + "-B";
        assertThat(httpPost("/api/v1/clinics/beta/patients", "application/json", patient(other)).statusCode()).isEqualTo(202);

        JsonNode held = await().atMost(SYNCED).until(() -> credentialsOf("alpha"), c -> "refused".equals(c.path("status").asText()));
        assertThat(held.path("httpStatus").asInt()).isEqualTo(401);
        assertThat(held.path("since").asText()).isNotBlank();
        assertThat(FakeEhr.writes(ALPHA_EHR)).as("the EHR was asked, and refused the credentials")
                .anyMatch(w -> w.status() == 401);
        // Another clinic keeps syncing while alpha is held.
        await().atMost(SYNCED).until(() -> "SENT".equals(taskStatus("beta", "PATIENT", other)));
        assertThat(credentialsOf("beta").path("status").asText()).isEqualTo("accepted");
        for (String mrn : mrns) {
            assertThat(taskStatus("alpha", "PATIENT", mrn)).as("not dead-lettered: the record is not at fault").isEqualTo("PENDING");
            assertThat(attemptsOf(mrn)).as("no retry budget spent on refused credentials: " + lastErrorOf("alpha", mrn)).isZero();
        }

        // The EHR accepts the bridge's credentials again.
        FakeEhr.reset(ALPHA_EHR);
        await().atMost(SYNCED).untilAsserted(() -> {
            for (String mrn : mrns) {
                assertThat(taskStatus("alpha", "PATIENT", mrn)).isEqualTo("SENT");
            }
        });
        for (String mrn : mrns) {
            assertThat(attemptsOf(mrn)).as(lastErrorOf("alpha", mrn)).isZero();
        }
        assertThat(httpGet("/api/v1/clinics/alpha/dead-letters").body()).doesNotContain(p);
        assertThat(credentialsOf("alpha").path("status").asText()).isEqualTo("accepted");
    }

    @Test
    void a403OnATransactionHoldsTheClinicToo() throws Exception {
        warmUp("beta");
        refuseCredentials(BETA_EHR, 403);
        String mrn = prefix() + "-M";
        assertThat(httpPost("/api/v1/clinics/beta/patients", "application/json", patient(mrn)).statusCode()).isEqualTo(202);
        JsonNode held = await().atMost(SYNCED).until(() -> credentialsOf("beta"), c -> "refused".equals(c.path("status").asText()));
        assertThat(held.path("httpStatus").asInt()).isEqualTo(403);
        assertThat(taskStatus("beta", "PATIENT", mrn)).isEqualTo("PENDING");
        assertThat(attemptsOf("beta", mrn)).as("no retry budget spent on refused credentials: " + lastErrorOf("beta", mrn)).isZero();

        FakeEhr.reset(BETA_EHR);
        await().atMost(SYNCED).until(() -> "SENT".equals(taskStatus("beta", "PATIENT", mrn)));
        assertThat(attemptsOf("beta", mrn)).as(lastErrorOf("beta", mrn)).isZero();
        assertThat(credentialsOf("beta").path("status").asText()).isEqualTo("accepted");
    }

    private static void refuseCredentials(WireMockServer ehr, int status) {
        ehr.stubFor(any(urlPathMatching("/fhir.*")).atPriority(1).willReturn(aResponse().withStatus(status)
                .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
    }

    private JsonNode credentialsOf(String clinic) throws Exception {
        return JSON.readTree(httpGet("/api/v1/clinics/" + clinic + "/sync").body()).path("credentials");
    }

    private int attemptsOf(String mrn) {
        return attemptsOf("alpha", mrn);
    }

    private int attemptsOf(String clinic, String mrn) {
        return jdbc.sql("select attempts from sync_task where clinic_id = ? and kind = 'PATIENT' and record_id = ?")
                .params(clinic, mrn).query(Integer.class).single();
    }

    private String lastErrorOf(String clinic, String mrn) {
        return jdbc.sql("select coalesce(last_error, '') from sync_task where clinic_id = ? and kind = 'PATIENT' and record_id = ?")
                .params(clinic, mrn).query(String.class).single();
    }
}
