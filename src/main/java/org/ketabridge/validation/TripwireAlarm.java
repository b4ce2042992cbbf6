package org.ketabridge.validation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.ketabridge.db.GateHolds;

/**
 * What health says after the tripwire caught the gate passing a record HAPI's validator rejects:
 * when, which record versions (by id, with their clinic and shape key: no patient data), and
 * where each stands: held (its EHR task a dead letter), sent before the tripwire caught it,
 * uncertain (noted), or NOT held (the database refused three times: an operator must look).
 * The first {@value #KEPT} disagreements are kept; the count goes on in {@link GateCounts}.
 */
final class TripwireAlarm {

    static final int KEPT = 100;

    /** One disagreement; {@code hold} null when holding it failed. */
    record Caught(long recordVersionId, String clinicId, String shape, Instant at, GateHolds.Hold hold) {
    }

    private final List<Caught> caught = new ArrayList<>();

    synchronized void caught(Caught c) {
        if (caught.size() < KEPT) {
            caught.add(c);
        }
    }

    synchronized List<Caught> caught() {
        return List.copyOf(caught);
    }

    /**
     * For health: {@code now} reads where a held version stands now (a write under way when it was
     * held may have ended since), or fails, and then the state found at holding is shown.
     */
    Map<String, Object> status(LongFunction<GateHolds.Hold> now) {
        List<Caught> all = caught();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("alarm", !all.isEmpty());
        if (all.isEmpty()) {
            return status;
        }
        status.put("trippedAt", all.get(0).at().toString());
        List<Long> held = new ArrayList<>();
        List<Long> sentBefore = new ArrayList<>();
        List<Long> notHeld = new ArrayList<>();
        List<Map<String, Object>> records = new ArrayList<>();
        for (Caught c : all) {
            GateHolds.Hold hold = c.hold() == null ? null : current(c, now);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("recordVersionId", c.recordVersionId());
            record.put("clinicId", c.clinicId());
            record.put("shape", c.shape());
            record.put("at", c.at().toString());
            record.put("held", hold != null);
            if (hold == null) {
                notHeld.add(c.recordVersionId());
            } else {
                record.put("ehrTask", hold.syncStatus());
                record.put("storeTask", hold.storeStatus());
                (hold.sentBeforeCaught() ? sentBefore : held).add(c.recordVersionId());
            }
            records.add(record);
        }
        status.put("recordVersionsHeld", held);
        status.put("sentBeforeTheTripwireCaughtIt", sentBefore);
        status.put("recordVersionsNotHeld", notHeld);
        status.put("records", records);
        return status;
    }

    private static GateHolds.Hold current(Caught c, LongFunction<GateHolds.Hold> now) {
        try {
            return now.apply(c.recordVersionId());
        } catch (RuntimeException databaseDown) {
            return c.hold();
        }
    }
}
