package org.ketabridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TestRecords;

/**
 * Contract 1.1's encounter fields over HTTP, as clinic IT and the EHR meet them (their bad values:
 * {@code BadInputTest}; over CSV: {@code CsvDropTest}): stored in one order whatever order they came
 * in, {@code readyToLeaveMinutes} on a session that cannot be esketamine kept with a warning, and a
 * changed list the next version of the same Observation in the EHR.
 */
class EncounterRemsFieldsTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode esketamineSession(String encounterId, String mrn) throws Exception {
        ObjectNode e = (ObjectNode) JSON.readTree(TestRecords.encounter(encounterId, mrn));
        e.put("modality", "intranasal").put("readyToLeaveMinutes", 95);
        e.putArray("concomitantMedications").add("maoi").add("benzodiazepine");
        e.putArray("adverseEvents").add("dissociation").add("sedation");
        return e;
    }

    private JsonNode post(String clinic, ObjectNode record) throws Exception {
        return post(clinic, "encounters", record);
    }

    private JsonNode post(String clinic, String kind, ObjectNode record) throws Exception {
        HttpResponse<String> response = httpPost("/api/v1/clinics/" + clinic + "/" + kind, "application/json", record.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    private JsonNode stored(String clinic, String encounterId) throws Exception {
        return JSON.readTree(jdbc.sql("select content from record_version where clinic_id = ? and kind = 'ENCOUNTER'"
                + " and record_id = ? order by version desc fetch first 1 rows only").param(clinic).param(encounterId)
                .query(String.class).single());
    }

    @Test
    void theSameValuesInAnotherOrderAreTheSameRecord() throws Exception {
        String p = prefix();
        ObjectNode session = esketamineSession(p + "-E", p + "-M");
        JsonNode first = post("gamma", session);
        assertThat(first.get("accepted").asInt()).isEqualTo(1);
        assertThat(first.get("warnings")).as("an intranasal session: nothing to warn about").isNullOrEmpty();
        JsonNode kept = stored("gamma", p + "-E");
        assertThat(kept.get("concomitantMedications")).extracting(JsonNode::asText).containsExactly("benzodiazepine", "maoi");
        assertThat(kept.get("adverseEvents")).extracting(JsonNode::asText).containsExactly("sedation", "dissociation");
        assertThat(kept.get("readyToLeaveMinutes").asInt()).isEqualTo(95);

        session.putArray("concomitantMedications").add("benzodiazepine").add("maoi");
        session.putArray("adverseEvents").add("sedation").add("dissociation");
        JsonNode again = post("gamma", session);
        assertThat(again.get("unchanged").asInt()).isEqualTo(1);

        session.putArray("adverseEvents");
        assertThat(post("gamma", session).get("unchanged").asInt()).as("none is not the same as sedation and dissociation").isZero();
        assertThat(stored("gamma", p + "-E").get("adverseEvents")).as("recorded as none").isEmpty();
    }

    @Test
    void readyToLeaveOnASessionThatCannotBeEsketamineIsKeptWithAWarning() throws Exception {
        String p = prefix();
        ObjectNode infusion = (ObjectNode) JSON.readTree(TestRecords.encounter(p + "-E", p + "-M"));
        infusion.put("readyToLeaveMinutes", 50);

        JsonNode receipt = post("gamma", infusion);

        assertThat(receipt.get("accepted").asInt()).isEqualTo(1);
        assertThat(receipt.get("warnings")).hasSize(1);
        JsonNode warning = receipt.get("warnings").get(0);
        assertThat(warning.get("line").asInt()).isEqualTo(1);
        assertThat(warning.get("field").asText()).isEqualTo("readyToLeaveMinutes");
        assertThat(warning.get("message").asText()).contains("esketamine").contains("iv-infusion");
        assertThat(stored("gamma", p + "-E").get("readyToLeaveMinutes").asInt()).isEqualTo(50);
    }

    /**
     * One Observation per field, not per value: a list changed later (sedation, then none) is a second
     * write of the same identifier, so the EHR holds one Observation of the session's events, never a
     * stale one beside it. A field dropped altogether is not retracted: the bridge deletes nothing.
     */
    @Test
    void aChangedListIsTheNextVersionOfTheSameObservationInTheEhr() throws Exception {
        awaitAuditorsStore(); // it counts writes: none timed out by a machine busy starting the store
        String p = prefix();
        post("alpha", "patients", (ObjectNode) JSON.readTree(TestRecords.patient(p + "-M")));
        ObjectNode session = esketamineSession(p + "-E", p + "-M");
        session.putArray("adverseEvents").add("sedation");
        post("alpha", session);
        await().atMost(Duration.ofSeconds(60)).until(() -> "SENT".equals(taskStatus("alpha", "ENCOUNTER", p + "-E")));
        session.putArray("adverseEvents");
        post("alpha", session);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select count(*) from sync_task where clinic_id = 'alpha'"
                + " and record_id = ? and status = 'SENT'").param(p + "-E").query(Integer.class).single() == 2);

        String events = "urn:ketabridge:alpha/session-observation|" + p + "-E:adverse-events";
        assertThat(FakeEhr.writesOf(ALPHA_EHR, events)).as("version 1 and its correction, by the same identifier").hasSize(2)
                .allSatisfy(w -> assertThat(w.method()).isEqualTo("PUT"));
        assertThat(FakeEhr.held(ALPHA_EHR, false).get(events)).isEqualTo(1);
        assertThat(FakeEhr.writesOf(ALPHA_EHR, "urn:ketabridge:alpha/session-observation|" + p + "-E:ready-to-leave")).hasSize(2);
        assertThat(FakeEhr.writesOf(ALPHA_EHR, "urn:ketabridge:alpha/session-observation|" + p + "-E:concomitant-medications"))
                .hasSize(2);
    }
}
