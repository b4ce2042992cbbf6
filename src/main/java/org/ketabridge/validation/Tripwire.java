package org.ketabridge.validation;

import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.ketabridge.db.GateHolds;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Checks the gate's word against HAPI's: a fraction ({@code bridge.validation.gate.tripwire-fraction})
 * of the records the {@link ValidationGate} passed is validated in full as well, on a thread of
 * its own behind a bounded queue (a full queue drops the sample and counts it: the critical path
 * never waits for the tripwire). One record in every round(1 / fraction) passed is sampled, at a
 * random place in each such run, so the count is exact and no period in the traffic can hide a
 * shape from it.
 *
 * <p>When HAPI reports an error for a record the gate passed: the gate is off for the rest of the
 * process (every record validated in full), the shape is failed for good, an ERROR line names the
 * shape, record version, clinic and HAPI's message ids and locations (never its texts: they may
 * quote patient data), the record version is held ({@link GateHolds}; three retries, then reported
 * NOT held), and health raises the alarm ({@link TripwireAlarm}).
 */
@Component
public class Tripwire {

    private static final Logger log = LoggerFactory.getLogger(Tripwire.class);
    static final int HOLD_RETRIES = 3;

    private final ValidationGate gate;
    private final ResourceValidator validator;
    private final GateHolds holds;
    private final Clock clock;
    private final double fraction;
    // Sample one passed record in every `period` (0: none), at `seed`-chosen places.
    private final long period;
    private final long seed = ThreadLocalRandom.current().nextLong();
    private final long retryPauseMillis;
    private final AtomicLong passes = new AtomicLong();
    private final ThreadPoolExecutor executor;
    private final TripwireAlarm alarm = new TripwireAlarm();

    @Autowired
    public Tripwire(ValidationGate gate, ResourceValidator validator, GateHolds holds, Clock clock,
                    @Value("${bridge.validation.gate.tripwire-fraction:0.01}") double fraction,
                    @Value("${bridge.validation.gate.tripwire-queue:100}") int queue) {
        this(gate, validator, holds, clock, fraction, queue, 1_000);
    }

    Tripwire(ValidationGate gate, ResourceValidator validator, GateHolds holds, Clock clock, double fraction, int queue,
             long retryPauseMillis) {
        if (!(fraction >= 0 && fraction <= 1) || queue < 1) {
            throw new IllegalArgumentException("bridge.validation.gate: tripwire-fraction is 0 to 1, tripwire-queue at least 1");
        }
        this.gate = gate;
        this.validator = validator;
        this.holds = holds;
        this.clock = clock;
        this.fraction = fraction;
        this.period = fraction == 0 ? 0 : Math.max(1, Math.round(1 / fraction));
        this.retryPauseMillis = retryPauseMillis;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "gate-tripwire");
            t.setDaemon(true);
            return t;
        });
    }

    /** A tripwire that samples nothing (a bridge without a gate, tests of validation alone). */
    static Tripwire off() {
        return new Tripwire(null, null, null, Clock.systemUTC(), 0, 1, 0);
    }

    /**
     * The gate passed this record version (its verdict is remembered already): validate it in full
     * later, if it is one of the sample. A copy is taken now, as the sync path goes on to change
     * the resources (references dropped, shared resources replaced).
     */
    public void passed(long recordVersionId, String clinicId, ValidationGate.Decision decision, MappedRecord record) {
        if (period == 0 || !chosen(passes.incrementAndGet())) {
            return;
        }
        GateCounts counts = gate.counts();
        counts.sampled();
        Bundle copy = ResourceValidator.bundleOf(record).copy();
        try {
            executor.execute(() -> {
                try {
                    check(recordVersionId, clinicId, decision.shape(), copy);
                } catch (RuntimeException e) {
                    log.error("validation gate tripwire: the sample of record version {} was not checked: {}", recordVersionId,
                            e.toString());
                }
            });
        } catch (RejectedExecutionException full) {
            counts.sampleDropped();
        }
    }

    /** The n-th pass (from 1) is sampled when it is at its run's chosen place: one per run of {@code period}. */
    private boolean chosen(long n) {
        long run = (n - 1) / period;
        return Math.floorMod(mix(seed + run), period) == (n - 1) % period;
    }

    /** SplitMix64's finaliser: well-spread places from consecutive runs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private void check(long recordVersionId, String clinicId, String shape, Bundle copy) {
        List<ValidationMessage> errors;
        try {
            errors = validator.errorMessages(copy);
        } catch (MappingException validatorFailed) {
            // On the critical path this record would not have left: that too is a disagreement.
            errors = List.of(new ValidationMessage().setMessageId("VALIDATOR_FAILED").setLocation("Bundle"));
        }
        gate.counts().sampleChecked(errors.isEmpty());
        if (!errors.isEmpty()) {
            disagreed(recordVersionId, clinicId, shape, errors);
        }
    }

    private void disagreed(long recordVersionId, String clinicId, String shape, List<ValidationMessage> errors) {
        boolean first = gate.trip();
        gate.failed(shape);
        log.error("validation gate TRIPPED{}: HAPI's validator rejects record version {} of clinic {} that the gate passed"
                        + " (shape {}); the gate is off until restart, the shape failed for good; HAPI's errors: {}",
                first ? "" : " again", recordVersionId, clinicId, shape, locations(errors));
        String error = "the validation gate passed it, HAPI's full validator did not (tripwire): "
                + errors.stream().map(m -> m.getLocation() + ": " + m.getMessage()).collect(Collectors.joining("; "));
        String note = "the validation gate passed this version and HAPI's validator then rejected it (tripwire): "
                + "do not send it as it is; " + locations(errors);
        GateHolds.Hold hold = hold(recordVersionId, error, note);
        alarm.caught(new TripwireAlarm.Caught(recordVersionId, clinicId, shape, clock.instant(), hold));
    }

    /** HAPI's message ids and locations, never its texts. */
    private static String locations(List<ValidationMessage> errors) {
        return errors.stream().map(m -> m.getMessageId() + " at " + m.getLocation()).collect(Collectors.joining(", "));
    }

    private GateHolds.Hold hold(long recordVersionId, String error, String note) {
        for (int attempt = 0; ; attempt++) {
            try {
                return holds.hold(recordVersionId, error, note, clock.instant());
            } catch (RuntimeException e) {
                if (attempt == HOLD_RETRIES) {
                    log.error("validation gate tripwire: record version {} NOT held after {} attempts ({}):"
                            + " its tasks may still be sent; see health, fhirValidator.gate.tripwire", recordVersionId,
                            attempt + 1, e.toString());
                    return null;
                }
                pause(retryPauseMillis * (attempt + 1));
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For health ({@code fhirValidator} → {@code gate} → {@code tripwire}): the sample's counts and the alarm. */
    public Map<String, Object> status() {
        Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("fraction", fraction);
        if (gate != null) {
            status.putAll(gate.counts().samples());
        }
        status.putAll(alarm.status(holds == null ? id -> null : holds::state));
        return status;
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
