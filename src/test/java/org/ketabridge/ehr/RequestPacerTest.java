package org.ketabridge.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The pacer's decisions, read from the slots it hands out on a clock the test drives: the
 * machine's speed cannot change them (arrival times at an EHR can, on a busy 2-core machine).
 */
class RequestPacerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final List<Long> waits = Collections.synchronizedList(new ArrayList<>());
    private final RequestPacer fivePerSecond = new RequestPacer(200 * MS, clock::get, waits::add);

    @Test
    void requestsAskedForAtOnceGetSlotsOneIntervalApart() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(15);
        for (int i = 0; i < 15; i++) {
            writers.submit(() -> {
                fivePerSecond.awaitTurn();
                done.countDown();
                return null;
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        writers.shutdown();
        // The first goes at once (no wait recorded); the others wait 200, 400, ... 2,800 ms.
        List<Long> expected = new ArrayList<>();
        for (int i = 1; i < 15; i++) {
            expected.add(i * 200 * MS);
        }
        assertThat(waits).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aRequestAfterAQuietSpellGoesAtOnceAndTheNextWaitsOneInterval() throws Exception {
        fivePerSecond.awaitTurn();
        clock.addAndGet(5_000 * MS);
        fivePerSecond.awaitTurn();
        fivePerSecond.awaitTurn();
        // A quiet spell earns no burst: only the first after it is free.
        assertThat(waits).containsExactly(200 * MS);
    }

    @Test
    void aRequestPartWayThroughAnIntervalWaitsOnlyForTheRest() throws Exception {
        fivePerSecond.awaitTurn();
        clock.addAndGet(150 * MS);
        fivePerSecond.awaitTurn();
        assertThat(waits).containsExactly(50 * MS);
    }
}
