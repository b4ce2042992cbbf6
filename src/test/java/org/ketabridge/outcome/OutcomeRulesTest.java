package org.ketabridge.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.BridgeProperties;

/** A patient's PHQ-9 series through baseline, no response, response, remission and relapse. */
class OutcomeRulesTest {

    private final BridgeProperties properties = new BridgeProperties();
    private final OutcomeRules rules = new OutcomeRules(properties);

    private static ScorePoint score(String id, int total, int day, boolean baseline) {
        return new ScorePoint(id, total, OffsetDateTime.parse("2026-10-01T09:00:00-06:00").plusDays(day), baseline);
    }

    @Test
    void aSeriesGoesFromBaselineThroughResponseAndRemissionToRelapse() {
        List<ScorePoint> series = new ArrayList<>();
        String[] expected = {"baseline", "no-response", "response", "remission", "response", "relapse"};
        int[] totals = {20, 14, 9, 4, 8, 15};
        for (int i = 0; i < totals.length; i++) {
            ScorePoint s = score("S" + i, totals[i], 2 * i, false);
            series.add(s);
            Outcome outcome = rules.assess("PHQ-9", s, series);
            assertThat(outcome.status().code()).as("score " + i + " = " + totals[i]).isEqualTo(expected[i]);
            if (i > 0) {
                assertThat(outcome.baselineScoreId()).isEqualTo("S0");
            }
        }
        assertThat(rules.assess("PHQ-9", series.get(2), series).percentChange()).isEqualTo(-55.0);
    }

    @Test
    void aScoreSentAsBaselineStartsTheComparisonAgain() {
        List<ScorePoint> series = List.of(score("A", 24, 0, false), score("B", 22, 30, true), score("C", 10, 40, false));
        Outcome c = rules.assess("PHQ-9", series.get(2), series);
        assertThat(c.baselineScoreId()).isEqualTo("B");
        assertThat(c.status()).isEqualTo(Outcome.Status.RESPONSE);
    }

    @Test
    void theMadrsRemissionThresholdIsConfigurable() {
        List<ScorePoint> series = List.of(score("M0", 34, 0, true), score("M1", 11, 20, false));
        assertThat(rules.assess("MADRS", series.get(1), series).status()).isEqualTo(Outcome.Status.REMISSION);
        properties.getOutcomes().getRemissionAtMost().put("MADRS", 10);
        assertThat(rules.assess("MADRS", series.get(1), series).status()).isEqualTo(Outcome.Status.RESPONSE);
    }

    @Test
    void withoutARemissionThresholdThereIsResponseOnly() {
        List<ScorePoint> series = List.of(score("P0", 60, 0, true), score("P1", 5, 20, false));
        assertThat(rules.assess("PCL-5", series.get(1), series).status()).isEqualTo(Outcome.Status.RESPONSE);
    }
}
