package org.ketabridge.support;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An EHR that counts how many of the bridge's requests it is answering at once, exactly (a
 * counter, not arrival times, which a busy machine skews). Each request is held until another
 * one is in flight beside it, or {@link #HOLD_AT_MOST_MS} have passed: a bridge that writes
 * in parallel shows it however slowly it runs, and one that writes serially only waits longer.
 */
public class ConcurrencyProbe implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "concurrency-probe";
    static final long HOLD_AT_MOST_MS = 2_000;

    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static final AtomicInteger MOST_AT_ONCE = new AtomicInteger();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Starts a new count (one test at a time uses the probe). */
    public static void reset() {
        MOST_AT_ONCE.set(0);
    }

    public static int mostAtOnce() {
        return MOST_AT_ONCE.get();
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        int now = IN_FLIGHT.incrementAndGet();
        MOST_AT_ONCE.accumulateAndGet(now, Math::max);
        try {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD_AT_MOST_MS);
            while (IN_FLIGHT.get() < 2 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            // Stay a moment longer so the request beside this one sees it too.
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            IN_FLIGHT.decrementAndGet();
        }
        return serveEvent.getResponseDefinition();
    }
}
