package org.ketabridge.auditor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;
import static org.ketabridge.support.TestRecords.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestTokens;

/**
 * The searches README and the auditors promise, for every resource type the bridge writes, on data
 * stored in either order: the patient before its encounter, doses and scores, or after them.
 * Before the fix, with the patient (or encounter) stored after the records that name it, every
 * search through a reference came back empty: {@code MedicationAdministration?subject=Patient/x}
 * found 0, {@code _include=MedicationAdministration:subject} included no Patient, {@code Patient?
 * _revinclude=MedicationAdministration:subject} none (HAPI indexes a reference only if its target
 * is stored already, and never looked again).
 */
class AuditorSearchesTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLINIC = "gamma";

    @BeforeEach
    void storeIsUp() {
        // A request timing out while the store starts on a loaded machine is not an answer: ask again.
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
    }

    @Test
    void everySearchThroughAReferenceFindsRecordsStoredBeforeThePatientAndEncounterTheyName() throws Exception {
        String p = prefix();
        // Doses and the score first, each in the store before anything it names...
        assertThat(post("doses", dose(p + "-D1", p + "-E", p + "-P"), dose(p + "-D2", p + "-E", p + "-P"))).isEqualTo(202);
        assertThat(post("scores", score(p + "-S", p + "-E", p + "-P", 1, 1, 2, 1, 0, 1, 1, 0, 1))).isEqualTo(202);
        awaitStored("MedicationAdministration", "dose", p + "-D2");
        awaitStored("Observation", "score", p + "-S");
        // ...then the encounter, stored before its patient...
        assertThat(post("encounters", encounter(p + "-E", p + "-P"))).isEqualTo(202);
        awaitStored("Encounter", "encounter", p + "-E");
        // ...and the patient last.
        assertThat(post("patients", patient(p + "-P"))).isEqualTo(202);
        awaitStored("Patient", "mrn", p + "-P");
        // The records stored before their patient are indexed again once it is there (LateReferences), just
        // after its write: the store catches up, and every search then finds them.
        String patient = "Patient/" + idOf("Patient", "mrn", p + "-P");
        await().atMost(Duration.ofSeconds(90)).until(() ->
                total(TestTokens.auditor(CLINIC), "/fhir/MedicationAdministration?subject=" + patient) == 2);

        assertEverySearchFinds(p);
    }

    @Test
    void everySearchThroughAReferenceFindsRecordsStoredAfterThePatientAndEncounterTheyName() throws Exception {
        String p = prefix();
        assertThat(post("patients", patient(p + "-P"))).isEqualTo(202);
        awaitStored("Patient", "mrn", p + "-P");
        assertThat(post("encounters", encounter(p + "-E", p + "-P"))).isEqualTo(202);
        awaitStored("Encounter", "encounter", p + "-E");
        assertThat(post("doses", dose(p + "-D1", p + "-E", p + "-P"), dose(p + "-D2", p + "-E", p + "-P"))).isEqualTo(202);
        assertThat(post("scores", score(p + "-S", p + "-E", p + "-P", 1, 1, 2, 1, 0, 1, 1, 0, 1))).isEqualTo(202);
        awaitStored("MedicationAdministration", "dose", p + "-D2");
        awaitStored("Observation", "score", p + "-S");

        assertEverySearchFinds(p);
    }

    private void assertEverySearchFinds(String p) throws Exception {
        String auditor = TestTokens.auditor(CLINIC);
        String mrn = enc("urn:ketabridge:" + CLINIC + "/mrn|" + p + "-P");
        String patient = "Patient/" + idOf("Patient", "mrn", p + "-P");
        String encounter = "Encounter/" + idOf("Encounter", "encounter", p + "-E");

        // MedicationAdministration, by patient (each way a FHIR client asks) and by encounter.
        assertThat(total(auditor, "/fhir/MedicationAdministration?subject=" + patient)).isEqualTo(2);
        assertThat(total(auditor, "/fhir/MedicationAdministration?patient=" + patient)).isEqualTo(2);
        assertThat(total(auditor, "/fhir/MedicationAdministration?subject:Patient.identifier=" + mrn)).isEqualTo(2);
        assertThat(total(auditor, "/fhir/MedicationAdministration?context=" + encounter)).isEqualTo(2);
        String dose = "/fhir/MedicationAdministration?identifier=" + enc("urn:ketabridge:" + CLINIC + "/dose|" + p + "-D1");
        assertThat(types(auditor, dose + "&_include=MedicationAdministration:subject"))
                .containsExactlyInAnyOrder("MedicationAdministration", "Patient");
        assertThat(types(auditor, dose + "&_include=MedicationAdministration:subject&_include=MedicationAdministration:context"))
                .containsExactlyInAnyOrder("MedicationAdministration", "Patient", "Encounter");
        assertThat(types(auditor, dose + "&_include=*")).contains("MedicationAdministration", "Patient", "Encounter");
        assertThat(types(auditor, "/fhir/" + patient.replace("Patient/", "Patient?_id=") + "&_revinclude=MedicationAdministration:subject"))
                .containsExactlyInAnyOrder("Patient", "MedicationAdministration", "MedicationAdministration");
        // README's own: every administration with the encounters it belongs to.
        assertThat(types(auditor, "/fhir/MedicationAdministration?context=" + encounter + "&_include=MedicationAdministration:context"))
                .containsExactlyInAnyOrder("MedicationAdministration", "MedicationAdministration", "Encounter");

        // Encounter, EpisodeOfCare, Observation (vitals, dose weights, the score and its outcome), Flag.
        assertThat(total(auditor, "/fhir/Encounter?subject=" + patient)).isEqualTo(1);
        assertThat(total(auditor, "/fhir/Encounter?patient:Patient.identifier=" + mrn)).isEqualTo(1);
        assertThat(total(auditor, "/fhir/EpisodeOfCare?patient=" + patient)).isEqualTo(1);
        // vitals (5), dose weights (2), the score
        assertThat(total(auditor, "/fhir/Observation?subject=" + patient)).isGreaterThanOrEqualTo(5 + 2 + 1);
        assertThat(total(auditor, "/fhir/Observation?encounter=" + encounter)).isGreaterThanOrEqualTo(5 + 1);
        // README's own: one patient's PHQ-9 totals in order.
        assertThat(total(auditor, "/fhir/Observation?code=" + enc("http://loinc.org|44261-6") + "&subject:Patient.identifier="
                + mrn + "&_sort=date")).isEqualTo(1);
        assertThat(total(auditor, "/fhir/Flag?subject=" + patient)).isEqualTo(1);
        assertThat(types(auditor, "/fhir/" + patient.replace("Patient/", "Patient?_id=")
                + "&_revinclude=Encounter:subject&_revinclude=Observation:subject&_revinclude=Flag:subject"))
                .contains("Patient", "Encounter", "Observation", "Flag");
        // Provenance of each record, by what it is about.
        String firstDose = "MedicationAdministration/" + idOf("MedicationAdministration", "dose", p + "-D1");
        assertThat(total(auditor, "/fhir/Provenance?target=" + firstDose)).isGreaterThanOrEqualTo(1);
        assertThat(types(auditor, "/fhir/MedicationAdministration?_id=" + firstDose.substring(firstDose.indexOf('/') + 1)
                + "&_revinclude=Provenance:target")).contains("MedicationAdministration", "Provenance");

        // And none of it for another clinic's auditor.
        assertThat(total(TestTokens.auditor("alpha"), "/fhir/MedicationAdministration?subject=" + patient)).isZero();
        assertThat(types(TestTokens.auditor("alpha"), dose + "&_include=MedicationAdministration:subject")).isEmpty();
    }

    private int post(String collection, String... lines) {
        return httpPost("/api/v1/clinics/" + CLINIC + "/" + collection, "application/x-ndjson", ndjson(lines)).statusCode();
    }

    private void awaitStored(String type, String kind, String id) {
        await().atMost(Duration.ofSeconds(90)).until(() -> total(TestTokens.admin(), byIdentifier(type, kind, id)) == 1);
    }

    private String idOf(String type, String kind, String id) throws Exception {
        return JSON.readTree(httpGet(byIdentifier(type, kind, id), TestTokens.admin()).body())
                .get("entry").get(0).get("resource").get("id").asText();
    }

    private static String byIdentifier(String type, String kind, String id) {
        return "/fhir/" + type + "?identifier=" + enc("urn:ketabridge:" + CLINIC + "/" + kind + "|" + id);
    }

    private int total(String token, String search) throws Exception {
        HttpResponse<String> r = httpGet(search, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("total").asInt();
    }

    private List<String> types(String token, String search) throws Exception {
        HttpResponse<String> r = httpGet(search, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        JsonNode entries = JSON.readTree(r.body()).get("entry");
        if (entries != null) {
            entries.forEach(e -> types.add(e.get("resource").get("resourceType").asText()));
        }
        return types;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
