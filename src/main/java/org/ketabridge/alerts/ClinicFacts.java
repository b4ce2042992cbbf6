package org.ketabridge.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One clinic as its alerts see it at one moment: counts and times, read from where each fact is
 * kept (the queues, the EHR's circuit breaker and credentials, the receipts); never a record's content.
 *
 * @param syncTasks                 its sync tasks by state ({@code pending}, {@code dead}, ...); empty without an EHR
 * @param oldestPendingSince        when its oldest pending sync task was queued; null when none is pending
 * @param deadLetteredRecently      tasks dead-lettered within {@code bridge.alerts.dead-letters-within}
 * @param circuitNotClosedSince     since when its EHR's circuit breaker has not been closed; null when closed
 * @param credentialsFailingSince   since when its EHR has refused the bridge's credentials; null when they work
 * @param storePending              record versions the auditors' store has not taken yet
 * @param storeOldestMissingSince   when the oldest record version the store does not hold was queued; null when none
 * @param recordsReceivedRecently   records received within {@code bridge.alerts.intake-within}, refused ones included
 * @param recordsRefusedRecently    of those, refused
 */
public record ClinicFacts(
        String clinicId,
        String clinicName,
        boolean syncsToEhr,
        Instant at,
        Map<String, Integer> syncTasks,
        Instant oldestPendingSince,
        int deadLetteredRecently,
        Instant circuitNotClosedSince,
        Instant credentialsFailingSince,
        int storePending,
        Instant storeOldestMissingSince,
        long recordsReceivedRecently,
        long recordsRefusedRecently) {

    /** How long ago {@code since} was (zero when null: the condition does not hold). */
    public Duration age(Instant since) {
        if (since == null || since.isAfter(at)) {
            return Duration.ZERO;
        }
        return Duration.between(since, at);
    }
}
