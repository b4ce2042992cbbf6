package org.ketabridge.operations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.FakeEhr;

/**
 * Clinic IT's side of an uncertain task (issue 13): it shows in the clinic's sync counts and in
 * its own list with the reason, and is settled with what clinic IT found in the EHR; a settling
 * that names the wrong resource type, is not JSON, or concerns no uncertain task is refused with
 * words that say why, and changes nothing. (How a task becomes uncertain, and what the writer does
 * after each settling, is {@code CreateUpdateWriteTest}'s.)
 */
class UncertainTaskApiTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SYNCED = Duration.ofSeconds(60);
    private static final String UNCERTAIN_REASON = "the answer to the bridge's create of this record's Patient was lost";

    @Test
    void anUncertainTaskIsListedAndSettledByWhatClinicItFoundInTheEhr() throws Exception {
        String mrn = prefix() + "-U.1_a";
        long task = uncertainPatientTask(mrn);

        JsonNode status = JSON.readTree(httpGet("/api/v1/clinics/alpha/sync").body());
        assertThat(status.path("tasks").path("uncertain").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode listed = listed(task);
        assertThat(listed.path("recordId").asText()).isEqualTo(mrn);
        assertThat(listed.path("kind").asText()).isEqualTo("PATIENT");
        assertThat(listed.path("version").asInt()).isEqualTo(1);
        assertThat(listed.path("reason").asText()).isEqualTo(UNCERTAIN_REASON);

        HttpResponse<String> notJson = settle(task, "found it");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notJson.body()).path("detail").asText()).contains("{\"inEhr\": \"Type/id\"}").contains("{\"inEhr\": false}");
        HttpResponse<String> notAReference = settle(task, "{\"inEhr\": \"Patient 12\"}");
        assertThat(notAReference.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notAReference.body()).path("detail").asText()).contains("inEhr").contains("not a reference Type/id");
        HttpResponse<String> wrongType = settle(task, "{\"inEhr\": \"Encounter/12\"}");
        assertThat(wrongType.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(wrongType.body()).path("detail").asText())
                .isEqualTo("Task " + task + " is uncertain about its Patient, not a Encounter: name the Patient the EHR holds");
        assertThat(statusOf(task)).as("a refused settling changes nothing").isEqualTo("UNCERTAIN");
        assertThat(settle(task + 100_000, "{\"inEhr\": false}").statusCode()).isEqualTo(404);

        HttpResponse<String> settled = settle(task, "{\"inEhr\": \"Patient/p-7.a\"}");

        assertThat(settled.statusCode()).as(settled.body()).isEqualTo(202);
        assertThat(JSON.readTree(settled.body()).path("adopted").asText()).isEqualTo("Patient/p-7.a");
        assertThat(jdbc.sql("select state || ' ' || ehr_id from ehr_resource where clinic_id = 'alpha' and task_id = ?")
                .param(task).query(String.class).single()).isEqualTo("CREATED p-7.a");
        await().atMost(SYNCED).until(() -> "SENT".equals(statusOf(task)));
        assertThat(settle(task, "{\"inEhr\": false}").statusCode()).as("settled once").isEqualTo(404);
        assertThat(listedOrNull(task)).isNull();
    }

    @Test
    void anUncertainTaskClinicItDidNotFindIsDueAgainWithItsIntentsForgotten() throws Exception {
        long task = uncertainPatientTask(prefix() + "-U2");

        HttpResponse<String> settled = settle(task, "{\"inEhr\": false}");

        assertThat(settled.statusCode()).as(settled.body()).isEqualTo(202);
        assertThat(JSON.readTree(settled.body()).path("adopted").isNull()).isTrue();
        assertThat(jdbc.sql("select count(*) from ehr_resource where clinic_id = 'alpha' and task_id = ?")
                .param(task).query(Integer.class).single()).isZero();
        await().atMost(SYNCED).until(() -> "SENT".equals(statusOf(task)));
    }

    /**
     * A patient record whose write failed, then made what the writer makes of a create whose answer
     * was lost at an EHR that cannot be searched: the task UNCERTAIN, its Patient's intent UNCERTAIN.
     * (Clinic alpha's EHR takes conditional writes, so the state is set here, as the writer would.)
     */
    private long uncertainPatientTask(String mrn) {
        String family = "Uncertain" + mrn.replaceAll("[^A-Za-z0-9]", "");
        ALPHA_EHR.stubFor(put(urlPathEqualTo("/fhir/Patient")).atPriority(1).withRequestBody(containing(family))
                .willReturn(aResponse().withStatus(422)));
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", patient(mrn, family)).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> "DEAD".equals(taskStatus("alpha", "PATIENT", mrn)));
        long task = jdbc.sql("select max(id) from sync_task where clinic_id = 'alpha' and kind = 'PATIENT' and record_id = ?")
                .param(mrn).query(Long.class).single();
        jdbc.sql("update sync_task set status = 'UNCERTAIN', last_error = ? where id = ?").params(UNCERTAIN_REASON, task).update();
        jdbc.sql("insert into ehr_resource (clinic_id, resource_type, identifier_system, identifier_value, state, task_id,"
                        + " attempt_at, updated_at) values ('alpha', 'Patient', 'urn:ketabridge:alpha/mrn', ?, 'UNCERTAIN', ?, ?, ?)")
                .params(mrn, task, OffsetDateTime.now(), OffsetDateTime.now()).update();
        FakeEhr.reset(ALPHA_EHR);
        return task;
    }

    private HttpResponse<String> settle(long task, String body) {
        return httpPost("/api/v1/clinics/alpha/sync/uncertain/" + task, "application/json", body);
    }

    private JsonNode listed(long task) throws Exception {
        JsonNode found = listedOrNull(task);
        assertThat(found).as("task " + task + " in the uncertain list").isNotNull();
        return found;
    }

    private JsonNode listedOrNull(long task) throws Exception {
        for (JsonNode u : JSON.readTree(httpGet("/api/v1/clinics/alpha/sync/uncertain").body()).path("uncertain")) {
            if (u.path("id").asLong() == task) {
                return u;
            }
        }
        return null;
    }

    private String statusOf(long task) {
        return jdbc.sql("select status from sync_task where id = ?").param(task).query(String.class).single();
    }
}
