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
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.security.Role;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestTokens;

/**
 * /fhir as an auditor meets it: every record the bridge accepted is there, for store-only clinics
 * and EHR clinics alike, each clinic in its own partition; an auditor sees their clinics and
 * nothing of another; nobody writes.
 */
class AuditorEndpointTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Records on their way to the store: its first writes after it started are slow on a loaded machine. */
    private static final Duration STORED = Duration.ofSeconds(90);

    @BeforeEach
    void storeIsUp() {
        // HAPI's JPA server starts after the bridge, in the background: about a minute here.
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
    }

    @Test
    void everyAcceptedRecordIsInItsClinicsPartitionAndOnlyItsAuditorsSeeIt() throws Exception {
        String p = prefix();
        String mrn = p + "-G";
        assertThat(post("gamma", "patients", patient(mrn))).isEqualTo(202);
        assertThat(post("gamma", "encounters", encounter(p + "-E", mrn))).isEqualTo(202);
        assertThat(post("gamma", "doses", dose(p + "-D", p + "-E", mrn))).isEqualTo(202);
        assertThat(post("alpha", "patients", patient(p + "-A"))).isEqualTo(202);

        String gammaPatient = "/fhir/Patient?identifier=" + enc("urn:ketabridge:gamma/mrn|" + mrn);
        String alphaPatient = "/fhir/Patient?identifier=" + enc("urn:ketabridge:alpha/mrn|" + p + "-A");
        await().atMost(STORED).untilAsserted(() -> {
            assertThat(total(TestTokens.admin(), gammaPatient)).isEqualTo(1);
            assertThat(total(TestTokens.admin(), alphaPatient)).isEqualTo(1);
            assertThat(total(TestTokens.admin(), "/fhir/MedicationAdministration?identifier="
                    + enc("urn:ketabridge:gamma/dose|" + p + "-D"))).isEqualTo(1);
        });

        var sync = JSON.readTree(httpGet("/api/v1/clinics/gamma/sync").body());
        assertThat(sync.get("auditorStore").get("stored").asInt()).as("clinic IT sees the store's progress").isGreaterThanOrEqualTo(3);

        String gammaAuditor = TestTokens.auditor("gamma");
        assertThat(total(gammaAuditor, gammaPatient)).isEqualTo(1);
        assertThat(total(gammaAuditor, alphaPatient)).as("another clinic's patient, by search").isZero();

        String gammaPatientId = firstId(TestTokens.admin(), gammaPatient);
        String alphaPatientId = firstId(TestTokens.admin(), alphaPatient);
        assertThat(fhir(gammaAuditor, "/fhir/Patient/" + gammaPatientId).statusCode()).isEqualTo(200);
        assertThat(fhir(gammaAuditor, "/fhir/Patient/" + alphaPatientId).statusCode()).as("another clinic's patient, by id")
                .isEqualTo(404);
        assertThat(fhir(TestTokens.auditor("alpha"), "/fhir/Patient/" + gammaPatientId).statusCode()).isEqualTo(404);

        // The dose, its encounter and patient, reached by _include, only within the auditor's clinics.
        String doseWithIncludes = "/fhir/MedicationAdministration?identifier=" + enc("urn:ketabridge:gamma/dose|" + p + "-D")
                + "&_include=MedicationAdministration:subject&_include=MedicationAdministration:context";
        JsonNode bundle = JSON.readTree(fhir(gammaAuditor, doseWithIncludes).body());
        assertThat(bundle.get("entry")).extracting(e -> e.get("resource").get("resourceType").asText())
                .containsExactlyInAnyOrder("MedicationAdministration", "Patient", "Encounter");
        assertThat(JSON.readTree(fhir(TestTokens.auditor("alpha"), doseWithIncludes).body()).get("entry")).isNull();
    }

    /**
     * Every clinic id the contract allows reaches the store and its auditors. Before the clinic's
     * partition name was derived from its id, "lakeview.infusion" stopped the whole store at start
     * (HAPI-1312: a partition name takes no '.'), so /fhir never left 503 and this waited in vain.
     */
    @Test
    void clinicsWhoseIdsAreNoPartitionNamesAsTheyAreAreStoredAndScopedLikeAnyOther() throws Exception {
        String p = prefix();
        for (String clinic : new String[] {"lakeview.infusion", "desert_sky"}) {
            assertThat(post(clinic, "patients", patient(p + "-P"))).isEqualTo(202);
            assertThat(post(clinic, "encounters", encounter(p + "-E", p + "-P"))).isEqualTo(202);
            assertThat(post(clinic, "doses", dose(p + "-D", p + "-E", p + "-P"))).isEqualTo(202);
        }
        String lakeviewDose = "/fhir/MedicationAdministration?identifier=" + enc("urn:ketabridge:lakeview.infusion/dose|" + p + "-D");
        String desertDose = "/fhir/MedicationAdministration?identifier=" + enc("urn:ketabridge:desert_sky/dose|" + p + "-D");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(total(TestTokens.auditor("lakeview.infusion"), lakeviewDose)).isEqualTo(1);
            assertThat(total(TestTokens.auditor("desert_sky"), desertDose)).isEqualTo(1);
        });
        assertThat(total(TestTokens.auditor("desert_sky"), lakeviewDose)).as("another clinic's dose").isZero();
        assertThat(total(TestTokens.auditor("lakeview.infusion"), desertDose)).as("another clinic's dose").isZero();
        assertThat(total(TestTokens.auditor("gamma"), lakeviewDose)).isZero();
        String lakeviewDoseId = firstId(TestTokens.admin(), lakeviewDose);
        assertThat(fhir(TestTokens.auditor("lakeview.infusion"), "/fhir/MedicationAdministration/" + lakeviewDoseId).statusCode())
                .isEqualTo(200);
        assertThat(fhir(TestTokens.auditor("desert_sky"), "/fhir/MedicationAdministration/" + lakeviewDoseId).statusCode())
                .as("another clinic's dose, by id").isEqualTo(404);
        // Their own accesses are audited in their partition, readable by them (the audit trail names the partition too).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(total(TestTokens.auditor("lakeview.infusion"),
                "/fhir/AuditEvent?_summary=count")).isPositive());
        var sync = JSON.readTree(httpGet("/api/v1/clinics/lakeview.infusion/sync").body());
        assertThat(sync.get("auditorStore").get("stored").asInt()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void anUnchangedResendAddsNoVersionAndAChangedOneAddsOne() throws Exception {
        String mrn = prefix() + "-V";
        String search = "/fhir/Patient?identifier=" + enc("urn:ketabridge:gamma/mrn|" + mrn);
        assertThat(post("gamma", "patients", patient(mrn))).isEqualTo(202);
        await().atMost(STORED).until(() -> total(TestTokens.admin(), search) == 1);
        String id = firstId(TestTokens.admin(), search);

        assertThat(post("gamma", "patients", patient(mrn))).isEqualTo(202);
        assertThat(post("gamma", "patients", patient(mrn, "Renamed"))).isEqualTo(202);
        String history = "/fhir/Patient/" + id + "/_history";
        await().atMost(STORED).until(() -> total(TestTokens.auditor("gamma"), history) == 2);
        JsonNode latest = JSON.readTree(fhir(TestTokens.auditor("gamma"), "/fhir/Patient/" + id).body());
        assertThat(latest.get("name").get(0).get("family").asText()).isEqualTo("Renamed");
        assertThat(latest.get("meta").get("versionId").asText()).isEqualTo("2");
        assertThat(fhir(TestTokens.auditor("alpha"), history).statusCode()).as("history of another clinic's patient")
                .isEqualTo(404);
    }

    @Test
    void onlyValidTokensOfAuditorsOrAdminsReadAndNobodyWrites() {
        String anyRead = "/fhir/Patient?_count=1";
        assertThat(fhir(null, anyRead).statusCode()).as("no token").isEqualTo(401);
        assertThat(fhir(TestTokens.expired(Role.AUDITOR, "gamma"), anyRead).statusCode()).as("expired").isEqualTo(401);
        assertThat(fhir(TestTokens.foreignSigned(Role.AUDITOR, "gamma"), anyRead).statusCode()).as("signed by another key")
                .isEqualTo(401);
        assertThat(fhir(TestTokens.clinicIt("gamma"), anyRead).statusCode()).as("clinic IT").isEqualTo(403);
        assertThat(fhir(TestTokens.auditor("gamma"), anyRead).statusCode()).isEqualTo(200);
        assertThat(fhir(TestTokens.admin(), anyRead).statusCode()).isEqualTo(200);
        assertThat(fhir(null, "/fhir/metadata").statusCode()).as("the CapabilityStatement is public").isEqualTo(200);

        String newPatient = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Intruder\"}]}";
        assertThat(httpPost("/fhir/Patient", "application/fhir+json", newPatient, TestTokens.auditor("gamma")).statusCode())
                .as("an auditor writing").isEqualTo(403);
        assertThat(httpPost("/fhir/Patient", "application/fhir+json", newPatient, TestTokens.admin()).statusCode())
                .as("even an admin: the store is read-only").isEqualTo(405);
    }

    private int post(String clinic, String collection, String... lines) {
        return httpPost("/api/v1/clinics/" + clinic + "/" + collection, "application/x-ndjson", ndjson(lines)).statusCode();
    }

    private HttpResponse<String> fhir(String token, String path) {
        return httpGet(path, token);
    }

    private int total(String token, String search) throws Exception {
        HttpResponse<String> r = fhir(token, search);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("total").asInt();
    }

    private String firstId(String token, String search) throws Exception {
        return JSON.readTree(fhir(token, search).body()).get("entry").get(0).get("resource").get("id").asText();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
