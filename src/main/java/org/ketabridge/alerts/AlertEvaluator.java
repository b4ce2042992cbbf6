package org.ketabridge.alerts;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ketabridge.config.BridgeProperties;

/**
 * Which of a clinic's alert events hold, from one snapshot of its facts, and so which of them
 * change (fire, or resolve) against what was last stored. Pure: no clock, no database, no network.
 * The conditions are the Prometheus rules', with their thresholds as defaults (bridge.alerts).
 */
public final class AlertEvaluator {

    private final BridgeProperties.Alerts thresholds;

    public AlertEvaluator(BridgeProperties.Alerts thresholds) {
        this.thresholds = thresholds;
    }

    /** An event's status as stored: firing or not, and the number of its last change (0: never fired). */
    public record Known(boolean firing, long transition) {
        public static final Known NEVER_FIRED = new Known(false, 0);
    }

    /** An event that changes now: it fires, or it resolves, as change number {@code transition}. */
    public record Change(AlertEvent event, boolean firing, long transition) {
    }

    public Set<AlertEvent> holding(ClinicFacts f) {
        Set<AlertEvent> holding = EnumSet.noneOf(AlertEvent.class);
        if (f.deadLetteredRecently() > 0) {
            holding.add(AlertEvent.DEAD_LETTERS_GROWING);
        }
        if (f.oldestPendingSince() != null && f.age(f.oldestPendingSince()).compareTo(thresholds.getOldestPendingOver()) > 0) {
            holding.add(AlertEvent.OLDEST_PENDING_TOO_OLD);
        }
        if (f.circuitNotClosedSince() != null && f.age(f.circuitNotClosedSince()).compareTo(thresholds.getCircuitOpenFor()) >= 0) {
            holding.add(AlertEvent.CIRCUIT_OPEN_LONG);
        }
        if (f.credentialsFailingSince() != null
                && f.age(f.credentialsFailingSince()).compareTo(thresholds.getCredentialsFailingFor()) >= 0) {
            holding.add(AlertEvent.CREDENTIALS_FAILING);
        }
        if (f.storeOldestMissingSince() != null
                && f.age(f.storeOldestMissingSince()).compareTo(thresholds.getStoreLaggingOver()) > 0) {
            holding.add(AlertEvent.AUDITOR_STORE_LAGGING);
        }
        if (f.recordsReceivedRecently() >= thresholds.getIntakeAtLeast()
                && f.recordsRefusedRecently() > thresholds.getIntakeRefusedShare() * f.recordsReceivedRecently()) {
            holding.add(AlertEvent.INTAKE_REFUSING_MOST);
        }
        return holding;
    }

    /**
     * The events whose status differs from the stored one: a holding event not firing fires, a
     * firing one no longer holding resolves; one that never fired and does not hold is no change.
     */
    public List<Change> changes(ClinicFacts facts, Map<AlertEvent, Known> stored) {
        Set<AlertEvent> holding = holding(facts);
        List<Change> changes = new ArrayList<>();
        for (AlertEvent event : AlertEvent.values()) {
            Known known = stored.getOrDefault(event, Known.NEVER_FIRED);
            boolean holds = holding.contains(event);
            if (holds != known.firing()) {
                changes.add(new Change(event, holds, known.transition() + 1));
            }
        }
        return changes;
    }
}
