package org.ketabridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ketabridge.auditor.reports.OutcomeTrajectory;
import org.ketabridge.outcome.Outcome.Status;

/** The chart's geometry: time along, totals up on the instrument's own scale, a shape per outcome, the thresholds where they are. */
class TrajectoryChartTest {

    private static final OffsetDateTime DAY1 = OffsetDateTime.parse("2025-02-10T08:45:00-05:00");

    @Test
    void scoresGoAlongTimeAndUpTheInstrumentsScaleWithAShapePerOutcome() {
        TrajectoryChart chart = TrajectoryChart.of(new OutcomeTrajectory.Series("PHQ-9", true, 4, 10.0, List.of(
                point("S1", 0, 27, Status.BASELINE), point("S2", 5, 12, Status.NO_RESPONSE),
                point("S3", 10, 4, Status.REMISSION), point("S4", 20, 0, Status.RELAPSE))));

        assertThat(chart.marks()).extracting(TrajectoryChart.Mark::status)
                .containsExactly("baseline", "no-response", "remission", "relapse");
        assertThat(chart.marks()).extracting(TrajectoryChart.Mark::shape).containsExactly("rect", "circle", "polygon", "polygon");
        TrajectoryChart.Mark first = chart.marks().get(0);
        TrajectoryChart.Mark last = chart.marks().get(3);
        assertThat(first.x()).isEqualTo(TrajectoryChart.LEFT);
        assertThat(last.x()).isEqualTo(TrajectoryChart.RIGHT);
        assertThat(chart.marks().get(1).x()).as("a quarter of the time, a quarter of the way")
                .isEqualTo(TrajectoryChart.LEFT + (TrajectoryChart.RIGHT - TrajectoryChart.LEFT) / 4.0);
        assertThat(first.y()).as("PHQ-9's highest total at the top").isEqualTo(TrajectoryChart.TOP);
        assertThat(last.y()).isEqualTo(TrajectoryChart.BOTTOM);
        assertThat(chart.remission().y()).isEqualTo(chart.marks().get(2).y());
        assertThat(chart.remission().label()).isEqualTo("remission ≤ 4");
        assertThat(chart.response().label()).isEqualTo("response ≤ 10");
        assertThat(chart.yTicks()).extracting(TrajectoryChart.Tick::label).containsExactly("0", "5", "10", "15", "20", "25");
        assertThat(chart.xTicks()).extracting(TrajectoryChart.Tick::label).containsExactly("2025-02-10", "2025-03-02");
        assertThat(first.title()).isEqualTo("2025-02-10: 27 (baseline)");
    }

    @Test
    void aSingleScoreStandsInTheMiddleAndAnInstrumentNotJudgedHasNoThresholds() {
        TrajectoryChart chart = TrajectoryChart.of(new OutcomeTrajectory.Series("CADSS", false, null, null,
                List.of(point("C1", 0, 46, null))));

        assertThat(chart.marks()).singleElement().satisfies(m -> {
            assertThat(m.x()).isEqualTo((TrajectoryChart.LEFT + TrajectoryChart.RIGHT) / 2.0);
            assertThat(m.y()).as("half of CADSS's 92").isEqualTo((TrajectoryChart.TOP + TrajectoryChart.BOTTOM) / 2.0);
            assertThat(m.status()).isEqualTo("tracked");
            assertThat(m.title()).isEqualTo("2025-02-10: 46");
        });
        assertThat(chart.remission()).isNull();
        assertThat(chart.response()).isNull();
        assertThat(chart.xTicks()).extracting(TrajectoryChart.Tick::label).containsExactly("2025-02-10");
    }

    private static OutcomeTrajectory.Point point(String id, int days, int total, Status status) {
        return new OutcomeTrajectory.Point(id, DAY1.plusDays(days), total, status, null);
    }
}
