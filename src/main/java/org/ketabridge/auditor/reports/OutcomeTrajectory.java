package org.ketabridge.auditor.reports;

import java.time.OffsetDateTime;
import java.util.List;
import org.ketabridge.outcome.Outcome;

/**
 * One patient's scores over time, per instrument, each judged against its baseline by the outcome
 * rules: what an auditor's chart of the patient's trajectory shows. The patient is named by the
 * MRN identifier auditors read in /fhir, never by name.
 */
public record OutcomeTrajectory(String mrn, List<Series> series) {

    /**
     * One instrument's scores in time order. {@code judged}: an outcome measure (CADSS and pain
     * are tracked, not judged: their points carry no status). {@code remissionAtMost} and
     * {@code responseAtMost} (against the latest baseline) are the rules' thresholds, null where none.
     */
    public record Series(String instrument, boolean judged, Integer remissionAtMost, Double responseAtMost, List<Point> points) {
    }

    /** One score: its id, when, its total, and where it stands (null for an instrument not judged). */
    public record Point(String scoreId, OffsetDateTime effective, int total, Outcome.Status status, Double percentChange) {

        public String statusCode() {
            return status == null ? null : status.code();
        }
    }
}
