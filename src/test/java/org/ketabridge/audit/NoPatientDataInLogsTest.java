package org.ketabridge.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestRecords;
import org.ketabridge.support.TestTokens;
import org.ketabridge.validation.ResourceValidator;
import org.ketabridge.web.RequestIds;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Logs name receipts, tasks, clinics and counts, never a value from a request or a record. A
 * patient with a distinctive name and MRN goes through every path (accepted and stored for
 * auditors; refused at intake; refused by one EHR with an OperationOutcome that quotes it; failing
 * at another until dead-lettered; searched by an auditor with good and bad parameters, by id, and
 * without a token), and nothing the bridge or its libraries print in the meantime contains them.
 */
@ExtendWith(OutputCaptureExtension.class)
class NoPatientDataInLogsTest extends BridgeTestSupport {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** On a loaded machine the validator takes longer than the base class waits; the first test class pays for it. */
    @BeforeAll
    static void validatorLoaded(@Autowired ResourceValidator validator) {
        await().atMost(Duration.ofMinutes(8)).until(validator::isReady);
    }

    @Test
    void noNameNorMrnReachesTheLogOnAnyPath(CapturedOutput output) throws Exception {
        String unique = UUID.randomUUID().toString().substring(0, 6);
        String family = "Quillonbrae" + unique;
        String mrn = "QXMRN" + unique;
        String echo = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\","
                + "\"diagnostics\":\"Patient " + family + " with identifier " + mrn + " conflicts with an existing record\"}]}";
        // One EHR refuses the patient, quoting it; the other fails with the same quote until the task is dead.
        ALPHA_EHR.stubFor(put(urlPathMatching("/fhir/.*")).atPriority(1)
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/fhir+json").withBody(echo)));
        BETA_EHR.stubFor(post(urlPathEqualTo("/fhir")).atPriority(1)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/fhir+json").withBody(echo)));

        // Accepted (and stored for auditors), at two EHR clinics and a store-only one.
        for (String clinic : List.of("alpha", "beta", "gamma")) {
            assertThat(httpPost("/api/v1/clinics/" + clinic + "/patients", "application/json", TestRecords.patient(mrn, family))
                    .statusCode()).isEqualTo(202);
        }
        // Refused at intake: a bad field, a body that is not JSON, a line of NDJSON that is not.
        String badDate = "{\"mrn\":\"" + mrn + "\",\"familyName\":\"" + family + "\",\"givenName\":\"" + family
                + "\",\"birthDate\":\"" + family + "\",\"sex\":\"" + mrn + "\"}";
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/json", badDate).statusCode()).isEqualTo(422);
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/json", "{\"mrn\":" + mrn + ",\"familyName\":" + family + "}")
                .statusCode()).isEqualTo(400);
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/x-ndjson",
                TestRecords.patient(mrn + "b", family) + "\n{" + family + " " + mrn + "\n").statusCode()).isEqualTo(202);
        assertThat(httpGet("/api/v1/clinics/gamma/receipts/" + mrn).statusCode()).isEqualTo(404);
        assertThat(httpGet("/api/v1/clinics/" + family + "/sync").statusCode()).isEqualTo(404);

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
        String auditor = TestTokens.auditor("gamma");
        String identifier = enc("urn:ketabridge:gamma/mrn|" + mrn);
        await().atMost(Duration.ofMinutes(1)).until(() -> fhir("/fhir/Patient?identifier=" + identifier, auditor, null)
                .body().contains(family));
        // Searches, good and bad, by an auditor, an admin and nobody.
        List<String> requestIds = new ArrayList<>();
        for (String path : List.of(
                "/fhir/Patient?name=" + family,
                "/fhir/Patient?family:exact=" + family + "&identifier=" + identifier,
                "/fhir/Patient?birthdate=" + family,
                "/fhir/Patient?name:nonsense=" + family,
                "/fhir/Patient?identifier=" + identifier + "&_sort=" + family,
                "/fhir/Patient?" + family + "=" + mrn,
                "/fhir/Patient?_has:Observation:" + family + ":code=" + mrn,
                "/fhir/Observation?subject=Patient/" + mrn + "&date=" + family,
                "/fhir/Patient/" + mrn,
                "/fhir/Patient/" + mrn + "/_history/" + family,
                "/fhir/" + family + "/" + mrn,
                "/fhir/" + family + "?identifier=" + mrn,
                "/fhir/Patient/$everything?patient=" + mrn + "&_count=" + family,
                "/fhir/MedicationAdministration/$controlled-substance-log?clinic=gamma&start=" + family + "&end=" + mrn)) {
            for (String token : new String[] {auditor, TestTokens.admin(), null}) {
                String id = "logs-" + UUID.randomUUID();
                requestIds.add(id);
                fhir(path, token, id);
            }
        }

        // A token search as FHIR writes it (system|value, the bar unescaped), straight onto the socket:
        // Tomcat refused the bar and logged the whole request line.
        rawGet("/fhir/Patient?identifier=urn:ketabridge:gamma/mrn|" + mrn + "&name=" + family, auditor);

        // Wait for everything that may log: the EHR outcomes, the store, the audit trail of the searches.
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            assertThat(taskStatus("alpha", "PATIENT", mrn)).isEqualTo("DEAD");
            assertThat(taskStatus("beta", "PATIENT", mrn)).isEqualTo("DEAD");
        });
        await().atMost(Duration.ofMinutes(2)).until(() -> jdbc.sql("select count(*) from access_audit where request_id in (:ids)"
                + " and stored_at is not null").param("ids", requestIds).query(Integer.class).single() == requestIds.size());

        assertThat(output.getAll()).as("the capture sees the bridge's log").contains("dead-lettered");
        List<String> leaking = output.getAll().lines().filter(l -> l.contains(family) || l.contains(mrn)).toList();
        assertThat(leaking).as("log lines with the patient's name or MRN").isEmpty();
    }

    private HttpResponse<String> fhir(String path, String token, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET()
                .timeout(Duration.ofSeconds(60));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (requestId != null) {
            request.header(RequestIds.HEADER, requestId);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void rawGet(String target, String token) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(statusLine).as("answered").startsWith("HTTP/1.1 ");
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
