package org.ketabridge.mapping.rems;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When a session's monitoring began and ended, as the REMS form counts it: from the first device
 * (the earliest start of a dose given) to the end of monitoring (the encounter's end: when the
 * patient left). {@code monitoringMinutes} is not used: the contract counts it from the last
 * dose, the form from the first device, and the encounter's end is the one time both share.
 */
record SessionTimes(List<RemsSession.Dose> given, OffsetDateTime firstDevice, OffsetDateTime endOfMonitoring) {

    static SessionTimes of(RemsSession session) {
        List<RemsSession.Dose> given = session.doses().stream().filter(RemsSession.Dose::given)
                .sorted(Comparator.comparing(RemsSession.Dose::start)).toList();
        return new SessionTimes(given, given.isEmpty() ? null : given.get(0).start(), session.end());
    }

    Optional<OffsetDateTime> first() {
        return Optional.ofNullable(firstDevice);
    }

    Optional<OffsetDateTime> end() {
        return Optional.ofNullable(endOfMonitoring);
    }

    /** Whole minutes from the first device to the end of monitoring (seconds dropped: the form asks minutes). */
    Optional<Long> monitoringMinutes() {
        if (firstDevice == null || endOfMonitoring == null) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(firstDevice, endOfMonitoring).toMinutes());
    }

    /** The session's dose: the sum of the doses given. */
    BigDecimal totalMg() {
        return given.stream().map(RemsSession.Dose::doseMg).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
