package org.ketabridge.auditor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestTokens;

/**
 * $export (FHIR Bulk Data, NDJSON) for an auditor of one clinic: every resource of that clinic
 * of the types asked, and not one of another clinic's, and nobody else can collect the files.
 */
class BulkExportTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> TYPES = List.of("Patient", "Encounter", "MedicationAdministration", "Observation");

    @Test
    void anAuditorsExportHoldsAllOfTheirClinicsResourcesAndNoneOfAnothers() throws Exception {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
        String p = prefix();
        for (String clinic : List.of("gamma", "alpha")) {
            String mrn = p + "-" + clinic;
            httpPost("/api/v1/clinics/" + clinic + "/patients", "application/x-ndjson", ndjson(patient(mrn)));
            httpPost("/api/v1/clinics/" + clinic + "/encounters", "application/x-ndjson", ndjson(encounter(mrn + "-E", mrn)));
            httpPost("/api/v1/clinics/" + clinic + "/doses", "application/x-ndjson", ndjson(dose(mrn + "-D", mrn + "-E", mrn)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select count(*) from store_task where status <> 'STORED'")
                .query(Integer.class).single() == 0);

        String auditor = TestTokens.auditor("gamma");
        HttpResponse<String> kickOff = send("/fhir/$export?_type=" + String.join(",", TYPES), auditor);
        assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
        String poll = kickOff.headers().firstValue("Content-Location").orElseThrow();
        String pollPath = URI.create(poll).getRawPath() + "?" + URI.create(poll).getRawQuery();

        HttpResponse<String>[] done = new HttpResponse[1];
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            done[0] = send(pollPath, auditor);
            return done[0].statusCode() == 200;
        });
        JsonNode manifest = JSON.readTree(done[0].body());

        Map<String, Integer> exported = new HashMap<>();
        for (JsonNode output : manifest.get("output")) {
            String file = URI.create(output.get("url").asText()).getRawPath();
            assertThat(send(file, TestTokens.auditor("alpha")).statusCode()).as("another clinic's auditor fetching the file")
                    .isEqualTo(404);
            HttpResponse<String> ndjson = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + file))
                    .header("Authorization", "Bearer " + auditor).header("Accept", "application/fhir+ndjson").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ndjson.statusCode()).isEqualTo(200);
            for (String line : ndjson.body().lines().filter(l -> !l.isBlank()).toList()) {
                JsonNode resource = JSON.readTree(line);
                exported.merge(resource.get("resourceType").asText(), 1, Integer::sum);
                assertThat(line).as("nothing of alpha").doesNotContain("urn:ketabridge:alpha");
            }
        }
        // All of gamma's resources of each type: as many as a search in gamma's partition counts.
        for (String type : TYPES) {
            int held = JSON.readTree(httpGet("/fhir/" + type + "?_summary=count", auditor).body()).get("total").asInt();
            assertThat(exported.getOrDefault(type, 0)).as(type).isEqualTo(held).isPositive();
        }
        HttpResponse<String> alphaPoll = send(pollPath, TestTokens.auditor("alpha"));
        assertThat(alphaPoll.statusCode()).as("another clinic's auditor polling: " + alphaPoll.body()).isEqualTo(404);
    }

    private HttpResponse<String> send(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/fhir+json").header("Prefer", "respond-async")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
