package org.ketabridge.outcome;

import java.time.OffsetDateTime;

/** One score of a patient's series for one instrument, as the outcome rules need it. */
public record ScorePoint(String scoreId, int total, OffsetDateTime effective, boolean markedBaseline) {
}
