package org.ketabridge.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;

/**
 * The contract's "a dose's patientMrn must match the encounter's patient once both are known",
 * when the dose comes first: the encounter that names another patient is accepted with a warning
 * that names the dose, and the dose is never sent to the EHR (a dead letter saying why) until a
 * corrected version comes, which is sent.
 */
class DosePatientConflictTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDoseWhoseLaterEncounterNamesAnotherPatientIsNotSentUntilCorrected() throws Exception {
        String p = prefix();
        String first = p + "-M1";
        String second = p + "-M2";
        String session = p + "-E";
        String doseId = p + "-D";
        post("patients", patient(first));
        post("patients", patient(second));
        post("doses", dose(doseId, session, first));

        HttpResponse<String> encounter = post("encounters", encounter(session, second));
        JsonNode warning = JSON.readTree(encounter.body()).path("warnings").get(0);
        assertThat(warning.path("field").asText()).isEqualTo("patientMrn");
        assertThat(warning.path("message").asText()).contains("dose " + doseId).contains("another patient")
                .doesNotContain(first).doesNotContain(second);

        await().atMost(Duration.ofMinutes(1)).until(() -> "DEAD".equals(taskStatus("alpha", "DOSE", doseId)));
        assertThat(jdbc.sql("select last_error from sync_task where clinic_id = 'alpha' and record_id = ?").param(doseId)
                .query(String.class).single())
                .startsWith("not sent: the dose's patientMrn does not match the patient of encounter " + session)
                .doesNotContain(first);
        await().atMost(Duration.ofMinutes(1)).until(() -> "SENT".equals(taskStatus("alpha", "ENCOUNTER", session)));
        assertThat(ALPHA_EHR.findAll(anyRequestedFor(anyUrl()).withRequestBody(containing(doseId))))
                .as("the EHR never saw the dose").isEmpty();

        post("doses", dose(doseId, session, second));
        await().atMost(Duration.ofMinutes(1)).until(() -> "SENT".equals(jdbc.sql("select status from sync_task"
                + " where clinic_id = 'alpha' and record_id = ? order by id desc fetch first 1 rows only").param(doseId)
                .query(String.class).single()));
        assertThat(ALPHA_EHR.findAll(anyRequestedFor(anyUrl()).withRequestBody(containing(doseId)))).isNotEmpty();
    }

    private HttpResponse<String> post(String kind, String body) {
        HttpResponse<String> response = httpPost("/api/v1/clinics/alpha/" + kind, "application/json", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return response;
    }
}
