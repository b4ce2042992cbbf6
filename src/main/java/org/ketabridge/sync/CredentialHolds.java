package org.ketabridge.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.ketabridge.ehr.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The clinics whose EHR refuses the bridge's credentials (401 or 403). Such an answer says
 * nothing about the record, so the clinic's sync is held instead of dead-lettering record after
 * record: its tasks stay queued, no retry budget is spent, and one task at a time probes the EHR
 * every {@code bridge.sync.circuit-open-for} until it accepts the credentials again.
 *
 * <p>In memory on purpose: after a restart the first write that meets the refusal holds the
 * clinic again (a few tasks of the first poll may meet it; none is charged), so nothing durable
 * is needed to rebuild it. Other clinics are never affected.
 */
@Component
public class CredentialHolds {

    private static final Logger log = LoggerFactory.getLogger(CredentialHolds.class);

    /**
     * Since when, and with which status, the EHR refuses; when the next probe may go. When the
     * hold is for want of an access token (issue 13), {@code token} says why and
     * {@code httpStatus} is the token endpoint's (0 when it did not answer).
     */
    public record Hold(Instant since, int httpStatus, Instant nextProbeAt, WriteResult.TokenUnavailable token) {
        public Hold(Instant since, int httpStatus, Instant nextProbeAt) {
            this(since, httpStatus, nextProbeAt, null);
        }
    }

    private final ConcurrentMap<String, Hold> holds = new ConcurrentHashMap<>();
    // Every refusal and every failed token request since start, for the metrics (issue 17).
    private final ConcurrentMap<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Duration probeEvery;

    public CredentialHolds(RetryPolicy retry) {
        this.probeEvery = retry.circuitOpenFor();
    }

    /** The EHR refused the credentials: the clinic is held from now (logged once, when the hold begins). */
    public void refused(String clinicId, int httpStatus, Instant now) {
        countFailure(clinicId);
        AtomicBoolean began = new AtomicBoolean();
        holds.compute(clinicId, (id, hold) -> {
            if (hold == null) {
                began.set(true);
                return new Hold(now, httpStatus, now.plus(probeEvery));
            }
            return new Hold(hold.since(), httpStatus, hold.nextProbeAt());
        });
        if (began.get()) {
            log.error("The EHR of clinic {} refuses the bridge's credentials (HTTP {}): the clinic's sync is held,"
                    + " nothing is dead-lettered; trying one record every {} s until the EHR accepts them",
                    clinicId, httpStatus, probeEvery.toSeconds());
        }
    }

    /**
     * No access token could be had from the EHR's token endpoint (issue 13): held like a refusal
     * of the credentials (logged by the token code, which sees it first), with the OAuth error.
     */
    public void tokenUnavailable(String clinicId, WriteResult.TokenUnavailable why, Instant now) {
        countFailure(clinicId);
        holds.compute(clinicId, (id, hold) -> hold == null
                ? new Hold(now, why.httpStatus(), now.plus(probeEvery), why)
                : new Hold(hold.since(), why.httpStatus(), hold.nextProbeAt(), why));
    }

    /** The EHR answered a write with anything but a refusal of the credentials: they work. */
    public void accepted(String clinicId) {
        Hold hold = holds.remove(clinicId);
        if (hold != null) {
            log.info("The EHR of clinic {} accepts the bridge's credentials again (refused since {}): sync resumed",
                    clinicId, hold.since());
        }
    }

    /** How many writes met refused credentials or got no access token, since the bridge started. */
    public long failures(String clinicId) {
        LongAdder count = failures.get(clinicId);
        return count == null ? 0 : count.sum();
    }

    private void countFailure(String clinicId) {
        failures.computeIfAbsent(clinicId, id -> new LongAdder()).increment();
    }

    public Optional<Hold> of(String clinicId) {
        return Optional.ofNullable(holds.get(clinicId));
    }

    public boolean isHeld(String clinicId) {
        return holds.containsKey(clinicId);
    }

    /**
     * Whether a probe of a held clinic may go now; when it may, the next one is scheduled, so
     * that one poll's probe is the only one until then.
     */
    public boolean claimProbe(String clinicId, Instant now) {
        AtomicBoolean claimed = new AtomicBoolean();
        holds.computeIfPresent(clinicId, (id, hold) -> {
            if (hold.nextProbeAt().isAfter(now)) {
                return hold;
            }
            claimed.set(true);
            return new Hold(hold.since(), hold.httpStatus(), now.plus(probeEvery), hold.token());
        });
        return claimed.get();
    }
}
