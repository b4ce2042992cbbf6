package org.ketabridge.outcome;

/**
 * Where one score stands against its series' baseline. {@code percentChange} is
 * (total - baseline) / baseline x 100, negative when better; null for the baseline itself or a
 * baseline of 0 (no fall is possible from it).
 */
public record Outcome(Status status, String baselineScoreId, Double percentChange) {

    public enum Status {
        BASELINE, NO_RESPONSE, RESPONSE, REMISSION, RELAPSE;

        public String code() {
            return name().toLowerCase().replace('_', '-');
        }
    }
}
