package org.ketabridge.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.ketabridge.config.BridgeProperties;
import org.springframework.stereotype.Component;

/**
 * When to try a failed write again: exponential backoff with jitter (so that many records failed
 * by one outage do not return all at once), or the EHR's own Retry-After when it gave one.
 */
@Component
public class RetryPolicy {

    private final BridgeProperties.Sync sync;

    public RetryPolicy(BridgeProperties properties) {
        this.sync = properties.getSync();
    }

    public int maxAttempts() {
        return sync.getMaxAttempts();
    }

    /** The delay before attempt {@code attemptsSoFar + 1}: half of the exponential step fixed, half random. */
    public Duration backoff(int attemptsSoFar) {
        long initial = sync.getInitialBackoff().toMillis();
        long cap = sync.getMaxBackoff().toMillis();
        long exponential = initial << Math.min(Math.max(attemptsSoFar - 1, 0), 30);
        long step = Math.min(cap, exponential <= 0 ? cap : exponential);
        long half = step / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    public Instant retryAfter(Instant now, Duration retryAfter) {
        Duration capped = retryAfter.compareTo(sync.getMaxRetryAfter()) > 0 ? sync.getMaxRetryAfter() : retryAfter;
        return now.plus(capped.isNegative() ? Duration.ZERO : capped);
    }

    public Duration circuitOpenFor() {
        return sync.getCircuitOpenFor();
    }
}
