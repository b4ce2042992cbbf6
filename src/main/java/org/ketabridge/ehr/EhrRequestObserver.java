package org.ketabridge.ehr;

import java.time.Duration;

/**
 * Told of every request to a clinic's EHR as it ends: its answer's status (a FHIR EHR's HTTP status,
 * an HL7 v2 EHR's acknowledgement code), or that none came.
 */
public interface EhrRequestObserver {

    /** Told nothing: for an EHR client built outside the bridge (tests, tools). */
    EhrRequestObserver NONE = new EhrRequestObserver() {
        @Override
        public void answered(String clinicId, int status, Duration took) {
        }

        @Override
        public void acknowledged(String clinicId, String ackCode, Duration took) {
        }

        @Override
        public void unanswered(String clinicId, Duration took) {
        }
    };

    void answered(String clinicId, int status, Duration took);

    /**
     * An HL7 v2 EHR answered: {@code ackCode} is MSA-1 ({@code AA}, {@code AE}, {@code AR}, or their
     * enhanced-mode {@code C} forms), or {@link #NOT_AN_ACK} for an answer that is not an ACK.
     */
    void acknowledged(String clinicId, String ackCode, Duration took);

    /** What {@link #acknowledged} is told of an answer that is not an HL7 ACK. */
    String NOT_AN_ACK = "not-ack";

    /** No answer: no connection, a timeout, a connection cut. */
    void unanswered(String clinicId, Duration took);
}
