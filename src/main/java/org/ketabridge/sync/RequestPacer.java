package org.ketabridge.sync;

import java.util.concurrent.TimeUnit;

/**
 * {@code ehr.rate-per-second}: requests to one EHR spaced evenly, never faster than the rate
 * (no bursts at window edges, which an EHR's own sliding-window limit would answer with 429s).
 * Each request reserves the next free slot; several writes in flight share the one pacer.
 */
final class RequestPacer {

    static final RequestPacer UNLIMITED = new RequestPacer(0);

    private final long intervalNanos;
    private long nextSlot = Long.MIN_VALUE;

    private RequestPacer(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    static RequestPacer of(Double ratePerSecond) {
        return ratePerSecond == null ? UNLIMITED : new RequestPacer((long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond));
    }

    void awaitTurn() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = nextSlot == Long.MIN_VALUE ? now : Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
