package org.ketabridge.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.ConcurrencyProbe;
import org.ketabridge.support.FakeEhr;

/**
 * How hard the bridge pushes an EHR is the clinic's setting: {@code ehr.max-in-flight} writes at
 * once (delta: 4) and {@code ehr.rate-per-second} (epsilon: 5). Asserted from the EHR's side by
 * what cannot depend on the machine's speed: a count of writes answered at once, and a span
 * bound that a slow machine only makes easier to meet.
 */
class WritePacingTest extends BridgeTestSupport {

    private List<String> sendPatients(String clinic, int count) {
        String p = prefix();
        StringBuilder body = new StringBuilder();
        List<String> mrns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            mrns.add(p + "-" + i);
            body.append(patient(p + "-" + i)).append('\n');
        }
        assertThat(httpPost("/api/v1/clinics/" + clinic + "/patients", "application/x-ndjson", body.toString()).statusCode())
                .isEqualTo(202);
        return mrns;
    }

    private static List<Long> arrivals(WireMockServer ehr) {
        return ehr.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    }

    @Test
    void upToMaxInFlightWritesGoAtOnceAndNeverMore() {
        // The EHR counts the writes it is answering at once; each is held until another arrives
        // beside it (or 2 s), so parallel writes show however busy the machine is.
        ConcurrencyProbe.reset();
        PARALLEL_EHR.stubFor(put(urlPathMatching("/fhir/.*")).atPriority(1)
                .willReturn(FakeEhr.stored().withTransformers("response-template", ConcurrencyProbe.NAME)));
        List<String> mrns = sendPatients("delta", 12);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(mrns)
                .allSatisfy(m -> assertThat(taskStatus("delta", "PATIENT", m)).isEqualTo("SENT")));
        assertThat(PARALLEL_EHR.getAllServeEvents()).as("per resource: each patient and its Provenance").hasSize(24);
        assertThat(ConcurrencyProbe.mostAtOnce()).as("several writes in flight together, never more than max-in-flight")
                .isBetween(2, 4);
    }

    @Test
    void noMoreWritesPerSecondThanTheClinicAllows() {
        List<String> mrns = sendPatients("epsilon", 15);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(mrns)
                .allSatisfy(m -> assertThat(taskStatus("epsilon", "PATIENT", m)).isEqualTo("SENT")));
        List<Long> at = arrivals(PACED_EHR);
        assertThat(at).hasSize(15);
        // The pacer's own spacing is proven exactly in RequestPacerTest; here, that the clinic's
        // writes go through it: at 5 a second it reserves 14 x 200 ms = 2.8 s from the first
        // write to the last. One-sided, with half of it as margin for a late first arrival: a
        // slow machine only stretches the span, and unpaced the 15 arrive within milliseconds.
        assertThat(at.get(14) - at.get(0)).isGreaterThanOrEqualTo(1_400);
    }
}
