package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.junit.jupiter.api.Test;
import org.ketabridge.demo.DemoEhrServer;
import org.ketabridge.support.TestRecords;
import org.ketabridge.support.TestTokens;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 18, item 2: the REMS form kept current, stored for auditors and sent to the EHR where it accepts
 * it. The golden "corrected later" case end to end: an esketamine session sent over HTTP to two clinics
 * whose EHR is the same HAPI FHIR server, one taking QuestionnaireResponse (a full FHIR server, per
 * resource) and one configured not to; then the dose and a vital set corrected; then a change the form
 * does not show. H2.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bridge.sync.poll-interval=100ms",
        "bridge.security.local-key-dir=target/test-keys",
        "bridge.sync.initial-backoff=200ms"})
class RemsFormEndToEndTest {

    private static final DemoEhrServer EHR = SharedEhr.INSTANCE;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAKES = "rems_full";
    private static final String REFUSES = "rems_noqr";
    private static final String DAY = "2026-10-14";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:rems-e2e;DB_CLOSE_DELAY=-1");
        registry.add("bridge.clinics[0].id", () -> TAKES);
        registry.add("bridge.clinics[0].time-zone", () -> "America/Denver");
        registry.add("bridge.clinics[0].ehr.type", () -> "fhir");
        registry.add("bridge.clinics[0].ehr.write-mode", () -> "per-resource");
        registry.add("bridge.clinics[0].ehr.base-url", EHR::baseUrl);
        registry.add("bridge.clinics[1].id", () -> REFUSES);
        registry.add("bridge.clinics[1].time-zone", () -> "America/Denver");
        registry.add("bridge.clinics[1].ehr.type", () -> "fhir");
        registry.add("bridge.clinics[1].ehr.write-mode", () -> "transaction");
        registry.add("bridge.clinics[1].ehr.base-url", EHR::baseUrl);
        registry.add("bridge.clinics[1].ehr.resources.QuestionnaireResponse", () -> "none");
    }

    @Test
    void aCorrectedSessionsFormIsItsNextVersionInTheStoreAndTheEhrAndNoneWhereTheEhrTakesNone() throws Exception {
        String p = TestRecords.prefix();
        String mrn = p + "-M";
        String session = p + "-E";
        IGenericClient ehr = EhrSearch.client(EHR.baseUrl(), null);
        for (String clinic : new String[] {TAKES, REFUSES}) {
            post(clinic, "patients", TestRecords.patient(mrn));
            post(clinic, "encounters", encounter(session, mrn, 132, 72));
            post(clinic, "doses", dose(session, mrn, 56));
        }

        // Version 1: stored for auditors, created in the EHR that takes it.
        await().atMost(Duration.ofMinutes(4)).until(() -> "SENT".equals(task(TAKES, session, 1)));
        QuestionnaireResponse first = inEhr(ehr, TAKES, session);
        assertThat(first.getMeta().getVersionId()).isEqualTo("1");
        assertThat(answer(first, "dose")).isEqualTo("56mg");
        assertThat(first.getEncounter().getReference()).startsWith("Encounter/").doesNotContain("kb-");

        // The correction: 84 mg, and the reading near 40 minutes was 146, not 132.
        post(TAKES, "doses", dose(session, mrn, 84));
        post(TAKES, "encounters", encounter(session, mrn, 146, 72));
        await().atMost(Duration.ofMinutes(2)).until(() -> "SENT".equals(task(TAKES, session, 2)));
        QuestionnaireResponse second = inEhr(ehr, TAKES, session);
        assertThat(second.getIdElement().getIdPart()).as("an update of the same resource").isEqualTo(first.getIdElement().getIdPart());
        assertThat(second.getMeta().getVersionId()).isEqualTo("2");
        assertThat(answer(second, "dose")).isEqualTo("84mg");
        assertThat(bp40Systolic(second)).isEqualTo(146);

        // A change the form does not show (the heart rate) and an identical resend: no new version.
        post(TAKES, "encounters", encounter(session, mrn, 146, 80));
        post(TAKES, "doses", dose(session, mrn, 84));
        await().atMost(Duration.ofMinutes(1)).until(() -> pendingChanges() == 0);
        assertThat(formVersions(TAKES, session)).isEqualTo(2);

        // The auditors' store: one resource, two versions, the latest as the EHR's, and as $rems-forms computes it.
        String token = TestTokens.auditor(TAKES);
        JsonNode history = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(
                () -> storeHistory(token, session), h -> h != null && h.path("total").asInt() == 2);
        JsonNode stored = history.at("/entry/0/resource");
        assertThat(stored.at("/identifier/value").asText()).isEqualTo(session);
        JsonNode bySubject = JSON.readTree(get("/fhir/QuestionnaireResponse?subject=" + stored.at("/subject/reference").asText(), token).body());
        assertThat(bySubject.path("total").asInt()).isEqualTo(1);
        JsonNode computed = JSON.readTree(get("/fhir/QuestionnaireResponse/$rems-forms?clinic=" + TAKES + "&start=" + DAY
                + "&end=" + DAY, token).body()).at("/entry/1/resource");
        assertThat(stored.get("item")).isEqualTo(computed.get("item"));
        assertThat(stored.get("status")).isEqualTo(computed.get("status"));
        assertThat(stored.get("extension")).isEqualTo(computed.get("extension"));
        assertThat(get("/fhir/QuestionnaireResponse/" + stored.get("id").asText(), TestTokens.auditor(REFUSES)).statusCode())
                .as("another clinic's auditor").isEqualTo(404);

        // The EHR that takes none: nothing sent, and clinic IT sees why.
        await().atMost(Duration.ofMinutes(1)).until(() -> "NOT_ACCEPTED".equals(task(REFUSES, session, 1)));
        JsonNode notAccepted = JSON.readTree(get("/api/v1/clinics/" + REFUSES + "/sync/not-accepted", TestTokens.clinicIt(REFUSES)).body());
        assertThat(notAccepted.toString()).contains("REMS_FORM").contains("QuestionnaireResponse");
        Bundle none = ehr.search().forResource(QuestionnaireResponse.class)
                .where(new TokenClientParam("identifier").exactly().systemAndCode("urn:ketabridge:" + REFUSES + "/rems-form", session))
                .returnBundle(Bundle.class).execute();
        assertThat(none.getEntry()).isEmpty();
    }

    /**
     * A session sent as esketamine and then corrected to an IV infusion: its form, already stored and
     * in the EHR, is withdrawn there and in the store (its next version, entered-in-error), and
     * $rems-forms no longer lists it.
     */
    @Test
    void aSessionThatStopsBeingEsketamineHasItsFormWithdrawnInTheStoreAndTheEhr() throws Exception {
        String p = TestRecords.prefix();
        String mrn = p + "-M";
        String session = p + "-W";
        IGenericClient ehr = EhrSearch.client(EHR.baseUrl(), null);
        post(TAKES, "patients", TestRecords.patient(mrn));
        post(TAKES, "encounters", encounter(session, mrn, 132, 72));
        post(TAKES, "doses", dose(session, mrn, 56));
        await().atMost(Duration.ofMinutes(4)).until(() -> "SENT".equals(task(TAKES, session, 1)));
        assertThat(inEhr(ehr, TAKES, session).getStatus()).isNotEqualTo(QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR);

        post(TAKES, "encounters", encounter(session, mrn, 132, 72).replace("\"intranasal\"", "\"iv-infusion\""));
        await().atMost(Duration.ofMinutes(2)).until(() -> "SENT".equals(task(TAKES, session, 2)));
        QuestionnaireResponse withdrawn = inEhr(ehr, TAKES, session);
        assertThat(withdrawn.getMeta().getVersionId()).isEqualTo("2");
        assertThat(withdrawn.getStatus()).isEqualTo(QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR);
        assertThat(answer(withdrawn, "dose")).as("the answers kept").isEqualTo("56mg");

        String token = TestTokens.auditor(TAKES);
        JsonNode history = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(
                () -> storeHistory(token, session), h -> h != null && h.path("total").asInt() == 2);
        assertThat(history.at("/entry/0/resource/status").asText()).isEqualTo("entered-in-error");
        JsonNode computed = JSON.readTree(get("/fhir/QuestionnaireResponse/$rems-forms?clinic=" + TAKES + "&start=" + DAY
                + "&end=" + DAY, token).body());
        assertThat(computed.toString()).doesNotContain(session);

        // The same correction again: the withdrawn form stays as it is.
        post(TAKES, "encounters", encounter(session, mrn, 132, 72).replace("\"intranasal\"", "\"iv-infusion\""));
        await().atMost(Duration.ofMinutes(1)).until(() -> pendingChanges() == 0);
        assertThat(formVersions(TAKES, session)).isEqualTo(2);
    }

    /**
     * A dose corrected to belong to another session: the session it left has no esketamine dose any
     * more and its form is withdrawn; the session it joined gets a form. (Before, only the session a
     * dose version names was refilled, and the one it left kept its form as it was.)
     */
    @Test
    void aDoseMovedToAnotherSessionWithdrawsTheFormOfTheSessionItLeft() throws Exception {
        String p = TestRecords.prefix();
        String mrn = p + "-M";
        String left = p + "-L";
        String joined = p + "-J";
        IGenericClient ehr = EhrSearch.client(EHR.baseUrl(), null);
        post(TAKES, "patients", TestRecords.patient(mrn));
        post(TAKES, "encounters", encounter(left, mrn, 132, 72));
        post(TAKES, "encounters", encounter(joined, mrn, 130, 70));
        post(TAKES, "doses", dose(left, mrn, 56));
        await().atMost(Duration.ofMinutes(4)).until(() -> "SENT".equals(task(TAKES, left, 1)));
        assertThat(formVersions(TAKES, joined)).as("no esketamine dose: no form").isZero();

        post(TAKES, "doses", dose(left, mrn, 56).replace("\"encounterId\":\"" + left + "\"", "\"encounterId\":\"" + joined + "\""));
        await().atMost(Duration.ofMinutes(2)).until(() -> "SENT".equals(task(TAKES, left, 2)) && "SENT".equals(task(TAKES, joined, 1)));
        assertThat(inEhr(ehr, TAKES, left).getStatus()).as("the session the dose left")
                .isEqualTo(QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR);
        QuestionnaireResponse now = inEhr(ehr, TAKES, joined);
        assertThat(now.getStatus()).isNotEqualTo(QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR);
        assertThat(answer(now, "dose")).isEqualTo("56mg");
    }

    private static QuestionnaireResponse inEhr(IGenericClient ehr, String clinic, String session) {
        return EhrSearch.only(ehr, QuestionnaireResponse.class, "urn:ketabridge:" + clinic + "/rems-form", session);
    }

    private static String answer(QuestionnaireResponse r, String linkId) {
        return r.getItem().stream().filter(i -> i.getLinkId().equals(linkId)).findFirst().orElseThrow()
                .getAnswerFirstRep().getValueCoding().getCode();
    }

    private static int bp40Systolic(QuestionnaireResponse r) {
        QuestionnaireResponseItemComponent group = r.getItem().stream().filter(i -> i.getLinkId().equals("bp-40-minutes"))
                .findFirst().orElseThrow();
        return group.getItem().stream().filter(i -> i.getLinkId().equals("bp-40-minutes.systolic")).findFirst().orElseThrow()
                .getAnswerFirstRep().getValueIntegerType().getValue();
    }

    private String task(String clinic, String session, int version) {
        return jdbc.sql("select t.status from sync_task t join record_version v on v.id = t.record_version_id"
                        + " where v.clinic_id = ? and v.kind = 'REMS_FORM' and v.record_id = ? and v.version = ?")
                .params(clinic, session, version).query(String.class).optional().orElse(null);
    }

    private int formVersions(String clinic, String session) {
        return jdbc.sql("select count(*) from record_version where clinic_id = ? and kind = 'REMS_FORM' and record_id = ?")
                .params(clinic, session).query(Integer.class).single();
    }

    private int pendingChanges() {
        return jdbc.sql("select count(*) from session_change").query(Integer.class).single();
    }

    private JsonNode storeHistory(String token, String session) throws Exception {
        HttpResponse<String> found = get("/fhir/QuestionnaireResponse?identifier=" + session, token);
        if (found.statusCode() != 200 || JSON.readTree(found.body()).path("total").asInt() != 1) {
            return null;
        }
        String id = JSON.readTree(found.body()).at("/entry/0/resource/id").asText();
        return JSON.readTree(get("/fhir/QuestionnaireResponse/" + id + "/_history", token).body());
    }

    /** A finished session 09:00-11:15: blood pressure at 08:55, 09:46 (about 40 minutes), 11:10; one heart rate. */
    private static String encounter(String id, String mrn, int systolicAt40, int heartRate) {
        return "{\"encounterId\":\"" + id + "\",\"patientMrn\":\"" + mrn + "\",\"status\":\"finished\",\"modality\":\"intranasal\","
                + "\"start\":\"" + DAY + "T09:00:00\",\"end\":\"" + DAY + "T11:15:00\",\"vitals\":["
                + "{\"at\":\"" + DAY + "T08:55:00\",\"systolic\":128,\"diastolic\":80,\"heartRate\":" + heartRate + "},"
                + "{\"at\":\"" + DAY + "T09:46:00\",\"systolic\":" + systolicAt40 + ",\"diastolic\":84},"
                + "{\"at\":\"" + DAY + "T11:10:00\",\"systolic\":124,\"diastolic\":78}],"
                + "\"concomitantMedications\":[],\"readyToLeaveMinutes\":90,\"adverseEvents\":[]}";
    }

    private static String dose(String session, String mrn, int mg) {
        return "{\"doseId\":\"" + session + "-D\",\"encounterId\":\"" + session + "\",\"patientMrn\":\"" + mrn + "\","
                + "\"medication\":\"esketamine\",\"route\":\"intranasal\",\"status\":\"completed\",\"doseMg\":" + mg
                + ",\"lotNumber\":\"SPR-" + mg + "\",\"start\":\"" + DAY + "T09:05:00\",\"administeredByNpi\":\""
                + TestRecords.NPI_NURSE + "\"}";
    }

    private void post(String clinic, String kind, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/clinics/" + clinic + "/" + kind))
                .header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + TestTokens.clinicIt(clinic))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).get("rejected").asInt()).as(response.body()).isZero();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
