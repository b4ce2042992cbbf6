package org.ketabridge.sync;

import java.time.Duration;
import java.util.Map;

/**
 * What the EHR answered a write that reached it: it holds the record ({@code reference} of the
 * main resource, e.g. {@code Encounter/42}, and {@code written}: the id it gave each resource
 * written, by placeholder); it refused it for good ({@code refusal}, from its status and
 * OperationOutcome), so retrying the same content cannot help; or it asked the bridge to slow
 * down (429, {@code throttled}, with its Retry-After when given). A 429 is an answer, not a
 * failure: it neither spends the record's retry budget nor counts against the circuit breaker.
 * A refusal with {@code duplicates} says the EHR holds several resources a conditional write
 * matched: not the record's fault, an alarm for clinic IT.
 */
public record WriteResult(String reference, String refusal, boolean throttled, Duration retryAfter,
                          Map<String, String> written, Duplicates duplicates) {

    /**
     * Which resource of the write matched several in the EHR: its type, and its placeholder
     * (null when the EHR's answer did not say which of the transaction's resources it was).
     */
    public record Duplicates(String resourceType, String placeholder) {
    }

    public static WriteResult stored(String reference, Map<String, String> written) {
        return new WriteResult(reference, null, false, null, Map.copyOf(written), null);
    }

    public static WriteResult refused(String refusal) {
        return new WriteResult(null, refusal, false, null, Map.of(), null);
    }

    public static WriteResult duplicates(String refusal, Duplicates duplicates) {
        return new WriteResult(null, refusal, false, null, Map.of(), duplicates);
    }

    public static WriteResult throttled(Duration retryAfter) {
        return new WriteResult(null, null, true, retryAfter, Map.of(), null);
    }

    public boolean isStored() {
        return reference != null;
    }
}
