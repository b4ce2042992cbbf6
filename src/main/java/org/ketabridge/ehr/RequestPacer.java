package org.ketabridge.ehr;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code ehr.rate-per-second}: requests to one EHR spaced evenly, never faster than the rate
 * (no bursts at window edges, which an EHR's own sliding-window limit would answer with 429s).
 * Each request reserves the next free slot; several writes in flight share the one pacer.
 */
public final class RequestPacer {

    /** How a caller waits for its slot; a test passes one that records the wait instead. */
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    static final RequestPacer UNLIMITED = new RequestPacer(0, System::nanoTime, TimeUnit.NANOSECONDS::sleep);

    private final long intervalNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long nextSlot = Long.MIN_VALUE;

    RequestPacer(long intervalNanos, LongSupplier clock, Sleeper sleeper) {
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public static RequestPacer of(Double ratePerSecond) {
        return ratePerSecond == null ? UNLIMITED
                : new RequestPacer((long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond), System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    public void awaitTurn() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = clock.getAsLong();
            long slot = nextSlot == Long.MIN_VALUE ? now : Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
    }
}
