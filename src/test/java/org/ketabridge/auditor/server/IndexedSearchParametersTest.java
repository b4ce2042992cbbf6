package org.ketabridge.auditor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;
import static org.ketabridge.support.TestRecords.score;
import static org.ketabridge.support.TestRecords.NPI_NURSE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestTokens;

/**
 * The store indexes only {@link IndexedSearchParameters}: a search by each of them finds what the
 * bridge stored (every listed parameter has its search here, so the list cannot grow untested), and
 * a search by any other parameter of base FHIR is refused with 400, naming the parameter.
 */
class IndexedSearchParametersTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void storeIsUp() {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
    }

    @Test
    void everyIndexedParameterFindsWhatTheBridgeStored() throws Exception {
        String p = prefix();
        String auditor = TestTokens.auditor("gamma");
        post("patients", patient(p + "-P"));
        post("encounters", encounter(p + "-E", p + "-P"));
        post("doses", dose(p + "-D", p + "-E", p + "-P"));
        post("scores", score(p + "-S", p + "-E", p + "-P", 2, 2, 2, 2, 2, 2, 2, 2, 2));
        // An esketamine session, whose REMS form the bridge stores as a QuestionnaireResponse.
        post("encounters", "{\"encounterId\":\"" + p + "-N\",\"patientMrn\":\"" + p + "-P\",\"status\":\"finished\","
                + "\"modality\":\"intranasal\",\"start\":\"2026-10-06T09:00:00\",\"end\":\"2026-10-06T11:15:00\"}");
        post("doses", "{\"doseId\":\"" + p + "-ND\",\"encounterId\":\"" + p + "-N\",\"patientMrn\":\"" + p + "-P\","
                + "\"medication\":\"esketamine\",\"route\":\"intranasal\",\"status\":\"completed\",\"doseMg\":56,"
                + "\"lotNumber\":\"SPR-56\",\"start\":\"2026-10-06T09:05:00\",\"administeredByNpi\":\"" + NPI_NURSE + "\"}");
        String byMrn = "/fhir/Patient?identifier=" + enc("urn:ketabridge:gamma/mrn|" + p + "-P");
        await().atMost(Duration.ofSeconds(90)).until(() -> total(auditor, byMrn) == 1
                && total(auditor, "/fhir/Observation?identifier=" + enc("urn:ketabridge:gamma/score|" + p + "-S")) == 1
                && total(auditor, "/fhir/MedicationAdministration?identifier=" + enc("urn:ketabridge:gamma/dose|" + p + "-D")) == 1);
        String patient = "Patient/" + first(auditor, byMrn).get("id").asText();
        JsonNode encounter = first(auditor, "/fhir/Encounter?identifier=" + enc("urn:ketabridge:gamma/encounter|" + p + "-E"));
        String encounterRef = "Encounter/" + encounter.get("id").asText();
        JsonNode dose = first(auditor, "/fhir/MedicationAdministration?identifier=" + enc("urn:ketabridge:gamma/dose|" + p + "-D"));
        String doseRef = "MedicationAdministration/" + dose.get("id").asText();
        JsonNode episode = first(auditor, "/fhir/EpisodeOfCare?patient=" + patient);
        JsonNode flag = first(auditor, "/fhir/Flag?subject=" + patient);
        await().atMost(Duration.ofSeconds(90)).until(() -> total(auditor, "/fhir/QuestionnaireResponse?patient=" + patient) == 1);
        JsonNode remsForm = first(auditor, "/fhir/QuestionnaireResponse?patient=" + patient);
        String sessionRef = "Encounter/" + first(auditor, "/fhir/Encounter?identifier="
                + enc("urn:ketabridge:gamma/encounter|" + p + "-N")).get("id").asText();
        JsonNode organization = first(auditor, "/fhir/Organization?_id=" + encounter.get("serviceProvider").get("reference").asText()
                .replace("Organization/", ""));
        // A read of the patient by the auditor: an AuditEvent about it.
        assertThat(httpGet("/fhir/" + patient, auditor).statusCode()).isEqualTo(200);

        Map<String, String> searches = new LinkedHashMap<>();
        searches.put("Patient identifier", byMrn);
        searches.put("Encounter identifier", "/fhir/Encounter?identifier=" + identifier(encounter));
        searches.put("Encounter patient", "/fhir/Encounter?patient=" + patient);
        searches.put("Encounter subject", "/fhir/Encounter?subject:Patient.identifier=" + enc("urn:ketabridge:gamma/mrn|" + p + "-P"));
        searches.put("Encounter date", "/fhir/Encounter?patient=" + patient + "&date=2026-10-05");
        searches.put("Encounter episode-of-care", "/fhir/Encounter?episode-of-care=EpisodeOfCare/" + episode.get("id").asText());
        searches.put("MedicationAdministration identifier", "/fhir/MedicationAdministration?identifier=" + identifier(dose));
        searches.put("MedicationAdministration patient", "/fhir/MedicationAdministration?patient=" + patient);
        searches.put("MedicationAdministration subject", "/fhir/MedicationAdministration?subject=" + patient
                + "&_include=MedicationAdministration:subject");
        searches.put("MedicationAdministration context", "/fhir/MedicationAdministration?context=" + encounterRef);
        searches.put("MedicationAdministration effective-time", "/fhir/MedicationAdministration?patient=" + patient
                + "&effective-time=ge2026-10-05&effective-time=lt2026-10-06");
        searches.put("Observation identifier", "/fhir/Observation?identifier=" + enc("urn:ketabridge:gamma/score|" + p + "-S"));
        searches.put("Observation patient", "/fhir/Observation?patient=" + patient);
        searches.put("Observation subject", "/fhir/Observation?subject=" + patient);
        searches.put("Observation encounter", "/fhir/Observation?encounter=" + encounterRef);
        searches.put("Observation code", "/fhir/Observation?code=" + enc("http://loinc.org|44261-6") + "&patient=" + patient + "&_sort=date");
        searches.put("Observation date", "/fhir/Observation?patient=" + patient + "&date=ge2026-10-05T00:00:00Z");
        searches.put("Flag identifier", "/fhir/Flag?identifier=" + identifier(flag));
        searches.put("Flag patient", "/fhir/Flag?patient=" + patient);
        searches.put("Flag subject", "/fhir/Flag?subject=" + patient);
        searches.put("Flag date", "/fhir/Flag?patient=" + patient + "&date=ge2026-10-01");
        searches.put("EpisodeOfCare identifier", "/fhir/EpisodeOfCare?identifier=" + identifier(episode));
        searches.put("EpisodeOfCare patient", "/fhir/EpisodeOfCare?patient=" + patient);
        searches.put("Organization identifier", "/fhir/Organization?identifier=" + identifier(organization));
        searches.put("Provenance target", "/fhir/Provenance?target=" + doseRef);
        searches.put("Provenance patient", "/fhir/Provenance?patient=" + patient);
        searches.put("AuditEvent date", "/fhir/AuditEvent?entity=" + patient + "&date=ge2026-01-01");
        searches.put("AuditEvent entity", "/fhir/AuditEvent?entity=" + patient);
        searches.put("AuditEvent patient", "/fhir/AuditEvent?patient=" + patient);
        searches.put("AuditEvent action", "/fhir/AuditEvent?patient=" + patient + "&action=R");
        searches.put("AuditEvent outcome", "/fhir/AuditEvent?patient=" + patient + "&outcome=0");
        searches.put("AuditEvent subtype", "/fhir/AuditEvent?patient=" + patient + "&subtype="
                + enc("http://hl7.org/fhir/restful-interaction|read"));
        searches.put("QuestionnaireResponse identifier", "/fhir/QuestionnaireResponse?identifier=" + identifier(remsForm));
        searches.put("QuestionnaireResponse patient", "/fhir/QuestionnaireResponse?patient=" + patient);
        searches.put("QuestionnaireResponse subject", "/fhir/QuestionnaireResponse?subject=" + patient);
        searches.put("QuestionnaireResponse encounter", "/fhir/QuestionnaireResponse?encounter=" + sessionRef);
        searches.put("QuestionnaireResponse authored", "/fhir/QuestionnaireResponse?patient=" + patient + "&authored=ge2026-01-01");

        Set<String> listed = new HashSet<>();
        IndexedSearchParameters.BY_TYPE.forEach((type, codes) -> codes.forEach(code -> listed.add(type + " " + code)));
        assertThat(searches.keySet()).as("a search for every indexed parameter").containsExactlyInAnyOrderElementsOf(listed);
        // The audit trail reaches the store a little after the read.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (var search : searches.entrySet()) {
                assertThat(total(auditor, search.getValue())).as(search.getKey()).isPositive();
            }
        });
    }

    @Test
    void aSearchByAParameterNotIndexedIsRefusedAndNamesIt() throws Exception {
        String auditor = TestTokens.auditor("gamma");
        for (String[] search : new String[][] {
                {"/fhir/Patient?name=Synthetic", "name"},
                {"/fhir/Patient?birthdate=1970-01-01", "birthdate"},
                {"/fhir/Observation?category=vital-signs", "category"},
                {"/fhir/Observation?value-quantity=gt100", "value-quantity"},
                {"/fhir/MedicationAdministration?status=completed", "status"},
                {"/fhir/Encounter?class=AMB", "class"},
                {"/fhir/Practitioner?identifier=1234567893", "identifier"}}) {
            HttpResponse<String> r = httpGet(search[0], auditor);
            assertThat(r.statusCode()).as(search[0]).isEqualTo(400);
            assertThat(r.body()).as(search[0]).contains("Unknown search parameter").contains("\\\"" + search[1] + "\\\"");
        }
        // What the server says it supports is the list, no more.
        JsonNode patient = null;
        for (JsonNode resource : JSON.readTree(httpGet("/fhir/metadata", null).body()).get("rest").get(0).get("resource")) {
            if ("Patient".equals(resource.get("type").asText())) {
                patient = resource;
            }
        }
        Set<String> declared = new HashSet<>();
        patient.get("searchParam").forEach(sp -> declared.add(sp.get("name").asText()));
        assertThat(declared).contains("identifier").doesNotContain("name", "birthdate", "family", "gender");
    }

    private void post(String collection, String line) {
        assertThat(httpPost("/api/v1/clinics/gamma/" + collection, "application/x-ndjson", ndjson(line)).statusCode()).isEqualTo(202);
    }

    private int total(String token, String search) throws Exception {
        HttpResponse<String> r = httpGet(search, token);
        assertThat(r.statusCode()).as(search + ": " + r.body()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(r.body());
        // HAPI leaves the total out of a first page whose search is still counting.
        return bundle.has("total") ? bundle.get("total").asInt() : bundle.path("entry").size();
    }

    private JsonNode first(String token, String search) throws Exception {
        HttpResponse<String> r = httpGet(search, token);
        assertThat(r.statusCode()).as(search + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("entry").get(0).get("resource");
    }

    private static String identifier(JsonNode resource) {
        JsonNode identifier = resource.get("identifier");
        JsonNode id = identifier.isArray() ? identifier.get(0) : identifier; // QuestionnaireResponse has one
        return enc(id.get("system").asText() + "|" + id.get("value").asText());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
