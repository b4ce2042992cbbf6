package org.ketabridge.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.FakeEhr;

/**
 * Alpha's EHR is down for the whole test in the worst way, hanging past the bridge's timeout on
 * every request; beta's records, sent at the same time, still reach beta's EHR, all of them,
 * while not one of alpha's has.
 */
class ClinicIsolationTest extends BridgeTestSupport {

    /** The bound below times beta's sync, not the machine's start-up nor beta's first validation (see there). */
    @BeforeEach
    void betaWarmedUp() {
        awaitAuditorsStore();
        warmUp("beta");
    }

    @Test
    void oneClinicsHangingEhrDoesNotHoldUpAnotherClinic() {
        ALPHA_EHR.stubFor(put(urlPathMatching("/fhir/.*")).atPriority(1)
                .willReturn(FakeEhr.stored().withFixedDelay(3_000)));
        String p = prefix();
        List<String> alphaPatients = new ArrayList<>();
        List<String> betaPatients = new ArrayList<>();
        StringBuilder alphaBody = new StringBuilder();
        StringBuilder betaBody = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            alphaPatients.add(p + "-A" + i);
            betaPatients.add(p + "-B" + i);
            alphaBody.append(patient(p + "-A" + i)).append('\n');
            betaBody.append(patient(p + "-B" + i)).append('\n');
        }
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/x-ndjson", alphaBody.toString()).statusCode()).isEqualTo(202);
        assertThat(httpPost("/api/v1/clinics/beta/patients", "application/x-ndjson", betaBody.toString()).statusCode()).isEqualTo(202);

        // Alpha's first write alone takes a full timeout (1 s) and all 20 would take 20 s or more
        // if beta had to queue behind them; beta's 20 go in well under that (under a second once warm;
        // the bound leaves a loaded machine room and still fails a beta that waited for alpha's 20).
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(betaPatients).allSatisfy(mrn -> assertThat(taskStatus("beta", "PATIENT", mrn)).isEqualTo("SENT")));
        assertThat(alphaPatients).allSatisfy(mrn -> assertThat(taskStatus("alpha", "PATIENT", mrn)).isNotEqualTo("SENT"));
        assertThat(FakeEhr.writes(BETA_EHR)).filteredOn(w -> w.identifier() != null && w.identifier().contains(p))
                .hasSize(20).allSatisfy(w -> assertThat(w.stored()).isTrue());
    }
}
