package org.ketabridge.mapping.rems;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The form's three blood pressures, chosen among a session's vital sets that have one:
 * <ul>
 * <li>before dosing: the last set at or before the first device;</li>
 * <li>about 40 minutes after: the set nearest 40 minutes after the first device, within
 * {@link #TOLERANCE} either side (30 to 50 minutes); of two equally near, the earlier;</li>
 * <li>before the end: the last set after that window (more than 50 minutes after the first device)
 * and at or before the end of monitoring, so that neither earlier reading is reported twice.</li>
 * </ul>
 * The tolerance is a choice (the REMS says "about 40 minutes"): ten minutes keeps a reading taken
 * on a busy floor and refuses one that belongs to the first half hour or the second hour.
 */
final class BloodPressureReadings {

    static final Duration TARGET = Duration.ofMinutes(40);
    static final Duration TOLERANCE = Duration.ofMinutes(10);

    private final List<RemsSession.VitalSet> sets;

    BloodPressureReadings(List<RemsSession.VitalSet> vitals) {
        this.sets = vitals.stream().filter(RemsSession.VitalSet::hasBloodPressure)
                .sorted(Comparator.comparing(RemsSession.VitalSet::at)).toList();
    }

    Optional<RemsSession.VitalSet> beforeDose(OffsetDateTime firstDevice) {
        return sets.stream().filter(s -> !s.at().isAfter(firstDevice)).reduce((earlier, later) -> later);
    }

    Optional<RemsSession.VitalSet> near40Minutes(OffsetDateTime firstDevice) {
        OffsetDateTime target = firstDevice.plus(TARGET);
        // sets are in time order and min keeps the first of equals: a tie goes to the earlier set
        return sets.stream().filter(s -> distance(s, target).compareTo(TOLERANCE) <= 0)
                .min(Comparator.comparing(s -> distance(s, target)));
    }

    Optional<RemsSession.VitalSet> beforeEnd(OffsetDateTime firstDevice, OffsetDateTime endOfMonitoring) {
        OffsetDateTime windowEnd = firstDevice.plus(TARGET).plus(TOLERANCE);
        return sets.stream().filter(s -> s.at().isAfter(windowEnd) && !s.at().isAfter(endOfMonitoring))
                .reduce((earlier, later) -> later);
    }

    private static Duration distance(RemsSession.VitalSet set, OffsetDateTime target) {
        return Duration.between(set.at(), target).abs();
    }
}
