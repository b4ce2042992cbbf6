package org.ketabridge.outcome;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.ketabridge.config.BridgeProperties;
import org.springframework.stereotype.Component;

/**
 * Response, remission and relapse, from the clinical reference: response is a fall of at least
 * half from the baseline score of the same instrument; remission is at or under the instrument's
 * threshold (configurable); relapse is a score no longer in response after one in remission.
 * The baseline is the latest score sent with timing {@code baseline} at or before this one,
 * else the series' first. Pure: the series is given.
 */
@Component
public class OutcomeRules {

    private final BridgeProperties.Outcomes settings;

    public OutcomeRules(BridgeProperties properties) {
        this.settings = properties.getOutcomes();
    }

    /** Instruments whose series are outcome measures (CADSS and pain are tracked, not judged). */
    public static boolean tracked(String instrument) {
        return List.of("PHQ-9", "GAD-7", "MADRS", "PCL-5", "QIDS-SR16").contains(instrument);
    }

    /** The baseline of {@code current} among the series (which may include current). */
    public Optional<ScorePoint> baseline(ScorePoint current, List<ScorePoint> series) {
        List<ScorePoint> upToNow = series.stream()
                .filter(s -> !s.effective().isAfter(current.effective()))
                .sorted(Comparator.comparing(ScorePoint::effective)).toList();
        Optional<ScorePoint> marked = upToNow.stream().filter(ScorePoint::markedBaseline).reduce((a, b) -> b);
        return marked.or(() -> upToNow.stream().findFirst()).or(() -> Optional.of(current));
    }

    public Outcome assess(String instrument, ScorePoint current, List<ScorePoint> series) {
        ScorePoint baseline = baseline(current, series).orElseThrow();
        if (baseline.scoreId().equals(current.scoreId())) {
            return new Outcome(Outcome.Status.BASELINE, current.scoreId(), null);
        }
        Double change = baseline.total() == 0 ? null : 100.0 * (current.total() - baseline.total()) / baseline.total();
        boolean inRemission = inRemission(instrument, current.total());
        boolean inResponse = responds(baseline.total(), current.total());
        if (inRemission) {
            return new Outcome(Outcome.Status.REMISSION, baseline.scoreId(), change);
        }
        boolean remittedBefore = series.stream()
                .filter(s -> s.effective().isAfter(baseline.effective()) && s.effective().isBefore(current.effective()))
                .anyMatch(s -> inRemission(instrument, s.total()));
        if (remittedBefore && !inResponse) {
            return new Outcome(Outcome.Status.RELAPSE, baseline.scoreId(), change);
        }
        return new Outcome(inResponse ? Outcome.Status.RESPONSE : Outcome.Status.NO_RESPONSE, baseline.scoreId(), change);
    }

    /** The highest total counted as remission for this instrument, if it has one. */
    public Optional<Integer> remissionAtMost(String instrument) {
        return Optional.ofNullable(settings.getRemissionAtMost().get(instrument));
    }

    /** The highest total still counted as response against this baseline total (none for a baseline of 0). */
    public Optional<Double> responseAtMost(int baselineTotal) {
        return baselineTotal > 0 ? Optional.of(baselineTotal * (1 - settings.getResponseFraction())) : Optional.empty();
    }

    private boolean responds(int baseline, int total) {
        return baseline > 0 && (baseline - total) >= settings.getResponseFraction() * baseline;
    }

    private boolean inRemission(String instrument, int total) {
        Integer atMost = settings.getRemissionAtMost().get(instrument);
        return atMost != null && total <= atMost;
    }
}
