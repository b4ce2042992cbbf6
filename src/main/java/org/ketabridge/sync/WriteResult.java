package org.ketabridge.sync;

import java.time.Duration;

/**
 * What the EHR answered a write that reached it: it holds the record ({@code reference} of the
 * main resource, e.g. {@code Encounter/42}); it refused it for good ({@code refusal}, from its
 * status and OperationOutcome), so retrying the same content cannot help; or it asked the bridge
 * to slow down (429, {@code throttled}, with its Retry-After when given). A 429 is an answer,
 * not a failure: it neither spends the record's retry budget nor counts against the circuit breaker.
 */
public record WriteResult(String reference, String refusal, boolean throttled, Duration retryAfter) {

    public static WriteResult stored(String reference) {
        return new WriteResult(reference, null, false, null);
    }

    public static WriteResult refused(String refusal) {
        return new WriteResult(null, refusal, false, null);
    }

    public static WriteResult throttled(Duration retryAfter) {
        return new WriteResult(null, null, true, retryAfter);
    }

    public boolean isStored() {
        return reference != null;
    }
}
