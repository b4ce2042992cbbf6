package org.ketabridge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.patient;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.FakeEhr.Write;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TestTokens;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Many sessions of one series, written 4 and 8 at a time, in transactions and per resource, to a
 * real HAPI FHIR server: the EHR holds exactly one Organization per clinic and one EpisodeOfCare
 * per series, every record arrives, and the bridge never had two writes of a shared resource in
 * process at once (a FHIR server's conditional writes are not race-proof: HAPI has created a
 * series twice that way). A recording proxy in front of HAPI keeps the journal of what was sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bridge.sync.poll-interval=100ms",
        "bridge.sync.initial-backoff=200ms",
        "bridge.sync.max-backoff=2s",
        "bridge.security.local-key-dir=target/test-keys",
        // Only the EHR path is under test here.
        "bridge.auditor-store.enabled=false"})
// A context of its own: closed after this class, so its sync loops do not run on through the rest of the suite.
@DirtiesContext
class SharedResourcesOnHapiTest {

    private static final WireMockServer PROXY = startProxy();
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int PATIENTS = 2;
    private static final int SESSIONS = 8;

    /** Clinic id, write mode, writes in flight. */
    private static final List<String[]> CLINICS = List.of(
            new String[] {"shared-tx4", "transaction", "4"},
            new String[] {"shared-tx8", "transaction", "8"},
            new String[] {"shared-res4", "per-resource", "4"},
            new String[] {"shared-res8", "per-resource", "8"});

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private static WireMockServer startProxy() {
        WireMockServer proxy = new WireMockServer(wireMockConfig().dynamicPort());
        proxy.start();
        String hapi = SharedEhr.INSTANCE.baseUrl();
        proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(hapi.substring(0, hapi.length() - "/fhir".length()))));
        return proxy;
    }

    @AfterAll
    static void stopProxy() {
        PROXY.stop();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:shared-resources;DB_CLOSE_DELAY=-1");
        // A list binds from one property source only: the whole of each clinic is given here.
        for (int i = 0; i < CLINICS.size(); i++) {
            String[] c = CLINICS.get(i);
            String at = "bridge.clinics[" + i + "].";
            registry.add(at + "id", () -> c[0]);
            registry.add(at + "time-zone", () -> "UTC");
            registry.add(at + "ehr.type", () -> "fhir");
            registry.add(at + "ehr.write-mode", () -> c[1]);
            registry.add(at + "ehr.max-in-flight", () -> c[2]);
            registry.add(at + "ehr.request-timeout", () -> "60s");
            registry.add(at + "ehr.base-url", () -> PROXY.baseUrl() + "/fhir");
        }
    }

    @Test
    void manySessionsOfASeriesWrittenAtOnceLeaveOneOrganizationAndOneEpisodeOfCare() throws Exception {
        for (String[] c : CLINICS) {
            String clinic = c[0];
            StringBuilder patients = new StringBuilder();
            StringBuilder encounters = new StringBuilder();
            StringBuilder doses = new StringBuilder();
            for (int p = 0; p < PATIENTS; p++) {
                String mrn = "MRN-" + p;
                patients.append(patient(mrn)).append('\n');
                for (int n = 0; n < SESSIONS; n++) {
                    encounters.append(encounter("E-" + p + "-" + n, mrn)).append('\n');
                    doses.append(dose("D-" + p + "-" + n, "E-" + p + "-" + n, mrn)).append('\n');
                }
            }
            // The encounters first: they wait for their patient and then all go at once.
            post(clinic, "encounters", encounters.toString());
            post(clinic, "doses", doses.toString());
            post(clinic, "patients", patients.toString());
        }

        int records = CLINICS.size() * (PATIENTS + 2 * PATIENTS * SESSIONS);
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                jdbc.sql("select count(*) from sync_task where status = 'SENT'").query(Integer.class).single())
                .as("every record sent").isEqualTo(records));
        assertThat(jdbc.sql("select count(*) from sync_task").query(Integer.class).single()).isEqualTo(records);

        IGenericClient ehr = FHIR.newRestfulGenericClient(SharedEhr.INSTANCE.baseUrl());
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        List<Write> journal = FakeEhr.writes(PROXY);
        for (String[] c : CLINICS) {
            String clinic = c[0];
            String base = "urn:ketabridge:" + clinic;
            List<Organization> orgs = search(ehr, Organization.class, base + "/clinic", clinic);
            assertThat(orgs).as("the EHR holds one Organization of " + clinic).hasSize(1);
            for (int p = 0; p < PATIENTS; p++) {
                List<EpisodeOfCare> series = search(ehr, EpisodeOfCare.class, base + "/series", "S-MRN-" + p);
                assertThat(series).as("the EHR holds one EpisodeOfCare of series S-MRN-" + p + " of " + clinic).hasSize(1);
                for (int n = 0; n < SESSIONS; n++) {
                    Encounter e = search(ehr, Encounter.class, base + "/encounter", "E-" + p + "-" + n).get(0);
                    assertThat(e.getEpisodeOfCareFirstRep().getReference()).isEqualTo(id(series.get(0)));
                    assertThat(e.getServiceProvider().getReference()).isEqualTo(id(orgs.get(0)));
                    assertThat(search(ehr, MedicationAdministration.class, base + "/dose", "D-" + p + "-" + n)).hasSize(1);
                }
                assertNeverTwoAtOnce(journal, base + "/series|S-MRN-" + p);
            }
            assertNeverTwoAtOnce(journal, base + "/clinic|" + clinic);
        }
        Map<String, Integer> held = FakeEhr.held(journal, false);
        assertThat(held).as("what the EHR holds after the writes it answered: nothing twice")
                .allSatisfy((identifier, count) -> assertThat(count).as(identifier).isEqualTo(1));
    }

    /** No write of the identifier arrived while another one was in process. */
    private static void assertNeverTwoAtOnce(List<Write> journal, String identifier) {
        List<Write> writes = new ArrayList<>(journal.stream().filter(w -> identifier.equals(w.identifier())).toList());
        writes.sort(Comparator.comparingLong(Write::arrivedAt));
        assertThat(writes).as("writes of " + identifier).isNotEmpty();
        for (int i = 1; i < writes.size(); i++) {
            assertThat(writes.get(i).arrivedAt()).as("write " + (i + 1) + " of " + identifier
                    + " arrived after the one before was answered").isGreaterThanOrEqualTo(writes.get(i - 1).answeredAt());
        }
    }

    private void post(String clinic, String kind, String ndjson) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/clinics/" + clinic + "/" + kind))
                .header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + TestTokens.clinicIt(clinic))
                .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static <T extends Resource> List<T> search(IGenericClient ehr, Class<T> type, String system, String value) {
        Bundle found = ehr.search().forResource(type)
                .where(new TokenClientParam("identifier").exactly().systemAndCode(system, value))
                .returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> type.cast(e.getResource())).toList();
    }

    private static String id(Resource r) {
        return r.getIdElement().toUnqualifiedVersionless().getValue();
    }
}
