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
import org.ketabridge.support.FakeEhr;

/**
 * How hard the bridge pushes an EHR is the clinic's setting: {@code ehr.max-in-flight} writes at
 * once (delta: 4) and {@code ehr.rate-per-second} (epsilon: 5). Asserted from the EHR's side, by
 * when the requests arrived; bounds are one-sided so a slow machine cannot fail them.
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
        // Each write takes 400 ms: with one in flight, arrivals would be 400 ms apart at least.
        PARALLEL_EHR.stubFor(put(urlPathMatching("/fhir/.*")).atPriority(1).willReturn(FakeEhr.stored().withFixedDelay(400)));
        List<String> mrns = sendPatients("delta", 12);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(mrns)
                .allSatisfy(m -> assertThat(taskStatus("delta", "PATIENT", m)).isEqualTo("SENT")));
        List<Long> at = arrivals(PARALLEL_EHR);
        assertThat(at).as("per resource: each patient and its Provenance").hasSize(24);
        int mostAtOnce = 0;
        for (long start : at) {
            // Requests that arrived while this one was still being answered.
            int concurrent = (int) at.stream().filter(t -> t >= start && t < start + 400).count();
            mostAtOnce = Math.max(mostAtOnce, concurrent);
        }
        assertThat(mostAtOnce).as("several writes in flight together").isGreaterThanOrEqualTo(2).isLessThanOrEqualTo(4);
    }

    @Test
    void noMoreWritesPerSecondThanTheClinicAllows() {
        List<String> mrns = sendPatients("epsilon", 15);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(mrns)
                .allSatisfy(m -> assertThat(taskStatus("epsilon", "PATIENT", m)).isEqualTo("SENT")));
        List<Long> at = arrivals(PACED_EHR);
        assertThat(at).hasSize(15);
        // 5 a second, evenly: writes i and j leave at least (j - i) x 200 ms apart. Seen from the
        // EHR, one request can be late by its connection set-up: allow 100 ms of arrival jitter.
        // (Unpaced, the 15 would arrive within a few ms of each other.)
        for (int i = 0; i < at.size(); i++) {
            for (int j = i + 1; j < at.size(); j++) {
                assertThat(at.get(j) - at.get(i)).as("writes " + i + " and " + j).isGreaterThanOrEqualTo((j - i) * 200L - 100);
            }
        }
        assertThat(at.get(14) - at.get(0)).isGreaterThanOrEqualTo(2500);
    }
}
