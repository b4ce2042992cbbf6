package org.ketabridge.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.ketabridge.alerts.AlertEvaluator.Change;
import org.ketabridge.alerts.AlertEvaluator.Known;
import org.ketabridge.config.BridgeProperties;

/**
 * Each event fires when its condition holds past its threshold (the defaults: the Prometheus
 * rules'), resolves when it clears, and a status that did not change is no change at all: what
 * makes a notification go out once per event.
 */
class AlertEvaluatorTest {

    private static final Instant NOW = Instant.parse("2025-03-04T15:00:00Z");
    private final AlertEvaluator evaluator = new AlertEvaluator(new BridgeProperties().getAlerts());

    private static Instant ago(Duration d) {
        return NOW.minus(d);
    }

    @Test
    void aQuietClinicHasNoEventAndNothingChanges() {
        assertThat(evaluator.holding(quiet())).isEmpty();
        assertThat(evaluator.changes(quiet(), Map.of())).isEmpty();
    }

    @Test
    void eachEventHoldsOnlyPastItsThreshold() {
        ClinicFacts q = quiet();
        assertThat(evaluator.holding(facts(f -> f.deadRecently = 1))).containsExactly(AlertEvent.DEAD_LETTERS_GROWING);

        assertThat(evaluator.holding(facts(f -> f.oldestPending = ago(Duration.ofMinutes(60))))).isEmpty();
        assertThat(evaluator.holding(facts(f -> f.oldestPending = ago(Duration.ofMinutes(61))))).containsExactly(AlertEvent.OLDEST_PENDING_TOO_OLD);

        assertThat(evaluator.holding(facts(f -> f.circuitNotClosed = ago(Duration.ofMinutes(14))))).isEmpty();
        assertThat(evaluator.holding(facts(f -> f.circuitNotClosed = ago(Duration.ofMinutes(15))))).containsExactly(AlertEvent.CIRCUIT_OPEN_LONG);

        assertThat(evaluator.holding(facts(f -> f.credentialsFailing = ago(Duration.ofMinutes(4))))).isEmpty();
        assertThat(evaluator.holding(facts(f -> f.credentialsFailing = ago(Duration.ofMinutes(5))))).containsExactly(AlertEvent.CREDENTIALS_FAILING);

        assertThat(evaluator.holding(facts(f -> f.storeOldestMissing = ago(Duration.ofMinutes(15))))).isEmpty();
        assertThat(evaluator.holding(facts(f -> f.storeOldestMissing = ago(Duration.ofMinutes(16))))).containsExactly(AlertEvent.AUDITOR_STORE_LAGGING);
    }

    @Test
    void intakeRefusingMostNeedsMoreThanHalfOfAtLeastTwentyRecords() {
        assertThat(evaluator.holding(facts(f -> { f.received = 40; f.refused = 21; }))).containsExactly(AlertEvent.INTAKE_REFUSING_MOST);
        assertThat(evaluator.holding(facts(f -> { f.received = 40; f.refused = 20; }))).as("half is not most").isEmpty();
        assertThat(evaluator.holding(facts(f -> { f.received = 19; f.refused = 19; }))).as("too few to alert").isEmpty();
        assertThat(evaluator.holding(facts(f -> { f.received = 20; f.refused = 20; }))).containsExactly(AlertEvent.INTAKE_REFUSING_MOST);
    }

    @Test
    void thresholdsComeFromConfiguration() {
        BridgeProperties.Alerts strict = new BridgeProperties().getAlerts();
        strict.setOldestPendingOver(Duration.ofMinutes(5));
        strict.setIntakeAtLeast(2);
        AlertEvaluator evaluate = new AlertEvaluator(strict);
        assertThat(evaluate.holding(facts(f -> f.oldestPending = ago(Duration.ofMinutes(6))))).containsExactly(AlertEvent.OLDEST_PENDING_TOO_OLD);
        assertThat(evaluate.holding(facts(f -> { f.received = 2; f.refused = 2; }))).containsExactly(AlertEvent.INTAKE_REFUSING_MOST);
    }

    @Test
    void aHoldingEventFiresOnceThenResolvesWhenItClearsAndMayFireAgain() {
        ClinicFacts dead = facts(f -> f.deadRecently = 3);
        assertThat(evaluator.changes(dead, Map.of())).containsExactly(new Change(AlertEvent.DEAD_LETTERS_GROWING, true, 1));
        Map<AlertEvent, Known> firing = Map.of(AlertEvent.DEAD_LETTERS_GROWING, new Known(true, 1));
        assertThat(evaluator.changes(dead, firing)).as("still holding: no second notification").isEmpty();
        assertThat(evaluator.changes(quiet(), firing)).containsExactly(new Change(AlertEvent.DEAD_LETTERS_GROWING, false, 2));
        Map<AlertEvent, Known> resolved = Map.of(AlertEvent.DEAD_LETTERS_GROWING, new Known(false, 2));
        assertThat(evaluator.changes(quiet(), resolved)).isEmpty();
        assertThat(evaluator.changes(dead, resolved)).containsExactly(new Change(AlertEvent.DEAD_LETTERS_GROWING, true, 3));
    }

    @Test
    void eventsChangeEachOnItsOwn() {
        ClinicFacts both = facts(f -> {
            f.circuitNotClosed = ago(Duration.ofHours(1));
            f.credentialsFailing = ago(Duration.ofHours(1));
        });
        Map<AlertEvent, Known> circuitFiring = Map.of(AlertEvent.CIRCUIT_OPEN_LONG, new Known(true, 1));
        assertThat(evaluator.changes(both, circuitFiring)).containsExactly(new Change(AlertEvent.CREDENTIALS_FAILING, true, 1));
    }

    /** A clinic's facts, quiet but for what a test sets. */
    private static final class Facts {
        private Instant oldestPending;
        private int deadRecently;
        private Instant circuitNotClosed;
        private Instant credentialsFailing;
        private Instant storeOldestMissing;
        private long received;
        private long refused;

        ClinicFacts build() {
            return new ClinicFacts("north", "North Clinic", true, NOW, Map.of("pending", oldestPending == null ? 0 : 1),
                    oldestPending, deadRecently, circuitNotClosed, credentialsFailing, storeOldestMissing == null ? 0 : 1,
                    storeOldestMissing, received, refused);
        }
    }

    private static ClinicFacts quiet() {
        return new Facts().build();
    }

    /** The quiet clinic, but for what {@code change} sets. */
    private static ClinicFacts facts(Consumer<Facts> change) {
        Facts facts = new Facts();
        change.accept(facts);
        return facts.build();
    }
}
