package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.e2e.EhrSearch.id;
import static org.ketabridge.e2e.EhrSearch.only;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.demo.DemoEhrServer;
import org.ketabridge.support.RestrictedHapiEhr;
import org.ketabridge.support.TestKeys;
import org.ketabridge.support.TestTokens;
import org.ketabridge.support.TokenEndpoint;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 13's end-to-end test: a real HAPI FHIR JPA server made to behave like a commercial EHR
 * ({@link RestrictedHapiEhr}: no transaction, no conditional create or update, updates only with
 * If-Match, SMART Backend Services tokens from its token endpoint, which checks every client
 * assertion against the bridge's JWK Set) is a clinic's EHR, configured {@code write-mode: auto}
 * and nothing else about writing. The patients were registered at the EHR's front desk under its
 * own MRN system. The clinic's day of records arrives; then the EHR holds every resource the
 * bridge writes exactly once per version, referring to the patients the front desk registered,
 * which the bridge found and never wrote; and the bridge never sent what the EHR refuses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bridge.sync.poll-interval=100ms",
        "bridge.sync.initial-backoff=200ms",
        "bridge.security.local-key-dir=target/test-keys",
        "bridge.auditor-store.enabled=false",
        "spring.datasource.url=jdbc:h2:mem:restricted-e2e;DB_CLOSE_DELAY=-1"})
// A context of its own: closed after this class, so its sync loops do not run on through the rest of the suite.
@DirtiesContext
class RestrictedEhrEndToEndTest {

    private static final String CLINIC = "mesa.ridge_1";
    /** The EHR's own MRN system (an HL7 example OID): not the bridge's. */
    private static final String EHR_MRN = "urn:oid:2.16.840.1.113883.19.5";
    private static final String BASE = "urn:ketabridge:" + CLINIC;

    private static final TokenEndpoint TOKENS = TokenEndpoint.smartBackend("restricted", "kb-client-mesa");
    private static final WireMockServer TOKEN_SERVER = TOKENS.startTokenEndpointOnly();
    private static final RestrictedHapiEhr RESTRICTIONS = new RestrictedHapiEhr(TOKENS::isValid);
    private static final DemoEhrServer EHR = restrictedEhr();

    @TempDir
    static Path keyDir;
    private static TestKeys.KeyFiles key;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private static DemoEhrServer restrictedEhr() {
        DemoEhrServer server = DemoEhrServer.start(0, "restricted-ehr");
        server.register(RESTRICTIONS);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server;
    }

    private static synchronized TestKeys.KeyFiles key() {
        if (key == null) {
            key = TestKeys.rsa(keyDir, "kb-mesa-2026", 2048);
        }
        return key;
    }

    @DynamicPropertySource
    static void clinic(DynamicPropertyRegistry r) {
        String c = "bridge.clinics[0].";
        r.add(c + "id", () -> CLINIC);
        r.add(c + "time-zone", () -> "America/Denver");
        r.add(c + "ehr.type", () -> "fhir");
        r.add(c + "ehr.base-url", EHR::baseUrl);
        r.add(c + "ehr.write-mode", () -> "auto");
        r.add(c + "ehr.patient-identifier-system", () -> EHR_MRN);
        r.add(c + "ehr.auth", () -> "smart-backend");
        r.add(c + "ehr.client-id", () -> "kb-client-mesa");
        r.add(c + "ehr.token-url", TOKENS::tokenUrl);
        r.add(c + "ehr.scopes", () -> "system/Patient.read system/Encounter.write system/Observation.write"
                + " system/MedicationAdministration.write system/Provenance.write system/Organization.write"
                + " system/EpisodeOfCare.write");
        r.add(c + "ehr.keys[0].kid", () -> "kb-mesa-2026");
        r.add(c + "ehr.keys[0].private-key-file", () -> key().privateKey().toString());
        r.add(c + "ehr.keys[0].certificate-file", () -> key().certificate().toString());
    }

    @BeforeEach
    void jwks() {
        TOKENS.jwksUrl("http://localhost:" + port + "/.well-known/jwks.json");
    }

    @Test
    void theClinicsDayIsInTheRestrictedEhrOncePerVersionWithThePatientsItRegistered() throws Exception {
        IGenericClient frontDesk = EhrSearch.client(EHR.baseUrl(), RestrictedHapiEhr.FRONT_DESK);
        String rivera = register(frontDesk, "MRN-1", "Rivera");
        String okafor = register(frontDesk, "MRN-2", "Okafor");

        ClinicDay.send(CLINIC, this::post);

        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(
                jdbc.sql("select status || ' ' || coalesce(last_error, '') from sync_task where status <> 'SENT'")
                        .query(String.class).list()).isEmpty());
        assertThat(jdbc.sql("select count(*) from sync_task").query(Integer.class).single())
                .as("2 patients + 3 encounters + 2 doses + 3 scores + 3 corrections").isEqualTo(13);

        IGenericClient ehr = frontDesk;
        // The patients: found by the EHR's MRN, never created or changed (the correction of MRN-1 included).
        assertThat(ehr.search().forResource(Patient.class).returnBundle(Bundle.class).execute().getEntry()).hasSize(2);
        assertThat(ehr.read().resource(Patient.class).withId(rivera).execute().getMeta().getVersionId()).isEqualTo("1");
        assertThat(ehr.read().resource(Patient.class).withId(rivera).execute().getNameFirstRep().getFamily()).isEqualTo("Rivera");

        Encounter e10 = only(ehr, Encounter.class, BASE + "/encounter", "E-10");
        assertThat(e10.getSubject().getReference()).isEqualTo(rivera);
        assertThat(only(ehr, Encounter.class, BASE + "/encounter", "E-20").getSubject().getReference()).isEqualTo(okafor);
        MedicationAdministration d100 = only(ehr, MedicationAdministration.class, BASE + "/dose", "D-100");
        assertThat(d100.getMeta().getVersionId()).as("corrected dose, updated with If-Match").isEqualTo("2");
        assertThat(d100.getDosage().getDose().getValue()).isEqualByComparingTo(new BigDecimal(40));
        assertThat(d100.getSubject().getReference()).as("the dose that came first, to the registered patient").isEqualTo(rivera);
        assertThat(d100.getContext().getReference()).isEqualTo(id(e10));
        MedicationAdministration d200 = only(ehr, MedicationAdministration.class, BASE + "/dose", "D-200");
        assertThat(d200.getMeta().getVersionId()).as("the unchanged resend sent nothing").isEqualTo("1");
        Observation weight = only(ehr, Observation.class, BASE + "/dose-weight", "D-100");
        assertThat(d100.getSupportingInformationFirstRep().getReference()).isEqualTo(id(weight));
        Observation s10 = only(ehr, Observation.class, BASE + "/score", "S-10");
        assertThat(s10.getEncounter().getReference()).isEqualTo(id(e10));
        assertThat(s10.getSubject().getReference()).isEqualTo(rivera);
        only(ehr, Observation.class, BASE + "/score", "S-11");
        only(ehr, Observation.class, BASE + "/score", "S-20");
        Observation outcome = only(ehr, Observation.class, BASE + "/score-outcome", "S-11");
        assertThat(outcome.getDerivedFrom()).extracting(r -> r.getReference()).containsExactly(id(s10),
                id(only(ehr, Observation.class, BASE + "/score", "S-11")));
        only(ehr, Observation.class, BASE + "/vital", "E-10:20261005150000:bp");
        only(ehr, Observation.class, BASE + "/vital", "E-10:20261005150000:hr");
        Organization clinic = only(ehr, Organization.class, BASE + "/clinic", CLINIC);
        assertThat(e10.getServiceProvider().getReference()).isEqualTo(id(clinic));
        EpisodeOfCare series = only(ehr, EpisodeOfCare.class, BASE + "/series", "S-MRN-1");
        assertThat(e10.getEpisodeOfCareFirstRep().getReference()).isEqualTo(id(series));
        assertThat(ehr.search().forResource(Provenance.class).returnBundle(Bundle.class).count(100).execute().getEntry())
                .as("one Provenance of origin per version written: 10 records, 13 versions, less the unchanged resends")
                .isNotEmpty();

        // What the bridge sent: reads of patients, plain creates and versioned updates; nothing the EHR refuses.
        var bridge = RESTRICTIONS.seen().stream().filter(s -> !s.frontDesk()).toList();
        assertThat(bridge).filteredOn(s -> s.refusal() != null).as("refused requests").isEmpty();
        assertThat(bridge).filteredOn(s -> "Patient".equals(s.resourceType()))
                .allSatisfy(s -> assertThat(s.operation()).isEqualTo(RestOperationTypeEnum.SEARCH_TYPE));
        assertThat(bridge).extracting(RestrictedHapiEhr.Seen::operation).allSatisfy(op -> assertThat(op)
                .isIn(Set.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE,
                        RestOperationTypeEnum.READ)));
        assertThat(TOKENS.refused()).as("every client assertion the token endpoint checked was good").isEmpty();
        assertThat(TOKENS.issued()).isNotEmpty();
    }

    /** The front desk registers a patient under the EHR's MRN system; its reference {@code Patient/id}. */
    private static String register(IGenericClient frontDesk, String mrn, String family) {
        Patient p = new Patient();
        p.addIdentifier().setSystem(EHR_MRN).setValue(mrn);
        p.addName().setFamily(family).addGiven("Synthetic");
        return frontDesk.create().resource(p).execute().getId().toUnqualifiedVersionless().getValue();
    }

    private void post(String clinic, String kind, String ndjsonBody) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/clinics/" + clinic + "/" + kind))
                .header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + TestTokens.clinicIt(clinic))
                .POST(HttpRequest.BodyPublishers.ofString(ndjsonBody)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
}
