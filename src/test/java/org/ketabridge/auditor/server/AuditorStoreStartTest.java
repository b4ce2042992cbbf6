package org.ketabridge.auditor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.support.TestClinics;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A store that cannot start is never silently broken: health says DOWN and why (so
 * /actuator/health answers 503, not 200), the log says why, and it tries again until it starts.
 * Before, one failed attempt was final: the store stayed down for good, whatever the cause.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuditorStoreStartTest {

    @Test
    void aStoreThatCannotStartIsDownSaysWhyAndKeepsTrying(CapturedOutput output) throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch mayStart = new CountDownLatch(1);
        StoreLifecycle lifecycle = new StoreLifecycle(TestClinics.none(), new BridgeProperties(),
                () -> {
                    if (attempts.incrementAndGet() <= 2) {
                        throw new IllegalArgumentException("HAPI-1312: Partition name \"x.y\" is not valid");
                    }
                    awaitRelease(mayStart);
                    return new RunningStore(mock(ConfigurableApplicationContext.class), null, null, null, null);
                },
                new StoreLifecycle.Retry(Duration.ofMillis(10), Duration.ofMillis(20)));
        AuditorStore store = new AuditorStore(lifecycle, null, java.time.Clock.systemUTC());
        AuditorStoreHealth health = new AuditorStoreHealth(lifecycle);
        assertThat(health.health().getStatus()).as("not started yet: starting").isEqualTo(Status.UNKNOWN);

        lifecycle.onApplicationEvent(null);
        await().atMost(Duration.ofMinutes(1)).until(() -> attempts.get() == 3);
        // The third attempt is held until released: what health says now is what it says after two failures.
        var down = health.health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails().get("error")).asString().contains("HAPI-1312");
        assertThat(down.getDetails()).containsEntry("failedAttempts", 2);
        assertThat(store.isReady()).isFalse();
        assertThat(output.getOut()).contains("The auditors' FHIR store failed to start (attempt 1)", "HAPI-1312")
                .contains("failed to start (attempt 2)");

        mayStart.countDown();
        await().atMost(Duration.ofMinutes(1)).until(store::isReady);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(attempts).hasValue(3);
        lifecycle.stop();
    }

    private static void awaitRelease(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
