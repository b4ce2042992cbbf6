package org.ketabridge.ehr;

import java.time.Duration;

/** Told of every request to a clinic's EHR as it ends: its answer's status, or that none came. */
public interface EhrRequestObserver {

    /** Told nothing: for an EHR client built outside the bridge (tests, tools). */
    EhrRequestObserver NONE = new EhrRequestObserver() {
        @Override
        public void answered(String clinicId, int status, Duration took) {
        }

        @Override
        public void unanswered(String clinicId, Duration took) {
        }
    };

    void answered(String clinicId, int status, Duration took);

    /** No answer: no connection, a timeout, a connection cut. */
    void unanswered(String clinicId, Duration took);
}
