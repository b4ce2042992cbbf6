package org.ketabridge.ehr;

import java.time.Duration;

/**
 * The EHR could not be reached or could not take the write now (5xx, timeout, connection
 * failure): worth retrying, and counted by the clinic's circuit breaker. {@code retryAfter} is
 * the EHR's own Retry-After, when it gave one with a 503.
 */
public class EhrUnavailableException extends RuntimeException {

    private final Duration retryAfter;

    public EhrUnavailableException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
