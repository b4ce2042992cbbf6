package org.ketabridge.auditor.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.mapping.Identity;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestTokens;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Several records per store transaction (bridge.auditor-store.records-per-transaction), and what
 * happens when the store refuses one of them: the batch's transaction fails whole, each record is
 * written again alone, the others land and the refused one keeps its own error, tried again later.
 */
class StoreBatchFallbackTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private AuditorStore store;

    @Autowired
    private ClinicRegistry clinics;

    @BeforeEach
    void storeIsUp() {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(store::isReady);
    }

    @Test
    void aRecordTheStoreRefusesKeepsItsErrorAndTheOthersOfItsBatchLand() throws Exception {
        String p = prefix();
        String bad = p + "-BAD";
        // The id gamma's patient will have is taken in another clinic's partition: HAPI refuses to write it in gamma's.
        Patient squatter = new Patient();
        String takenId = StoreIds.of(Identity.patient(clinics.find("gamma").orElseThrow(), bad));
        squatter.setId(takenId);
        Bundle occupy = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        occupy.addEntry().setResource(squatter).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient/" + takenId);
        store.transaction("alpha", occupy);

        // One request, one intake transaction: the three are due together and written as one batch.
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/x-ndjson",
                ndjson(patient(p + "-1"), patient(bad), patient(p + "-2"))).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(total(byMrn(p + "-1"))).isEqualTo(1);
            assertThat(total(byMrn(p + "-2"))).isEqualTo(1);
            assertThat(storeTask(bad).get("LAST_ERROR")).isNotNull();
        });
        assertThat(total(byMrn(bad))).as("the refused patient, in gamma").isZero();
        Map<String, Object> refused = storeTask(bad);
        assertThat(refused.get("STATUS")).isEqualTo("PENDING");
        assertThat(((Number) refused.get("ATTEMPTS")).intValue()).isPositive();
        for (String landed : new String[] {p + "-1", p + "-2"}) {
            Map<String, Object> task = storeTask(landed);
            assertThat(task.get("STATUS")).isEqualTo("STORED");
            assertThat(task.get("LAST_ERROR")).isNull();
            assertThat(((Number) task.get("ATTEMPTS")).intValue()).as("stored at its first attempt").isZero();
        }

        // Not left failing for the next tests' batches.
        jdbc.sql("update store_task set status = 'STORED' where record_version_id in (select id from record_version"
                + " where clinic_id = 'gamma' and kind = 'PATIENT' and record_id = ?)").param(bad).update();
    }

    @Test
    void recordsOfOneBatchThatShareASeriesWriteItOnce() throws Exception {
        String p = prefix();
        String mrn = p + "-P";
        // Two sessions of one series: the same EpisodeOfCare (and Organization) in both records' transactions.
        assertThat(httpPost("/api/v1/clinics/gamma/encounters", "application/x-ndjson",
                ndjson(encounter(p + "-E1", mrn), encounter(p + "-E2", mrn))).statusCode()).isEqualTo(202);
        String episodes = "/fhir/EpisodeOfCare?identifier=" + enc("urn:ketabridge:gamma/series|S-" + mrn);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(total("/fhir/Encounter?identifier=" + enc("urn:ketabridge:gamma/encounter|" + p + "-E1"))).isEqualTo(1);
            assertThat(total("/fhir/Encounter?identifier=" + enc("urn:ketabridge:gamma/encounter|" + p + "-E2"))).isEqualTo(1);
        });
        assertThat(total(episodes)).isEqualTo(1);
        String episodeId = JSON.readTree(httpGet(episodes, TestTokens.admin()).body()).get("entry").get(0)
                .get("resource").get("id").asText();
        assertThat(total("/fhir/EpisodeOfCare/" + episodeId + "/_history")).as("versions of the series").isEqualTo(1);
    }

    private Map<String, Object> storeTask(String mrn) {
        return jdbc.sql("select t.status, t.attempts, t.last_error from store_task t join record_version v on v.id = t.record_version_id"
                + " where v.clinic_id = 'gamma' and v.kind = 'PATIENT' and v.record_id = ?").param(mrn).query().singleRow();
    }

    private int total(String search) throws Exception {
        HttpResponse<String> r = httpGet(search, TestTokens.admin());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("total").asInt();
    }

    private static String byMrn(String mrn) {
        return "/fhir/Patient?identifier=" + enc("urn:ketabridge:gamma/mrn|" + mrn);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
