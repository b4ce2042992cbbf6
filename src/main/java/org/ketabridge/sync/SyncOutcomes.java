package org.ketabridge.sync;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.ketabridge.db.EhrAlarms;
import org.ketabridge.db.EhrLinks;
import org.ketabridge.db.StoreQueue;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.db.SyncTask;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.logging.LogSafe;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.record.RecordKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records what became of a task, in the queue, durably: sent (and what waited for it is woken),
 * waiting, retried later, or dead-lettered with its last error. Logs name tasks and clinics,
 * never record content.
 *
 * <p>Only while this process still holds the task's claim ({@link TaskClaims}): every outcome is
 * written on that condition and ends the claim. When another writer took the task over (this
 * process's lease ran out), nothing is recorded, not even what the EHR answered: the task is that
 * writer's now. Logged as a warning.
 */
@Component("syncOutcomes")
public class SyncOutcomes {

    private static final Logger log = LoggerFactory.getLogger(SyncOutcomes.class);

    private final SyncQueue queue;
    private final StoreQueue storeQueue;
    private final EhrLinks links;
    private final RetryPolicy retry;
    private final CredentialHolds credentials;
    private final Clock clock;
    private final SharedResourceClaims shared;
    private final EhrAlarms alarms;
    private final TaskClaims claims;

    public SyncOutcomes(SyncQueue queue, StoreQueue storeQueue, EhrLinks links, RetryPolicy retry,
                        CredentialHolds credentials, Clock clock, SharedResourceClaims shared, EhrAlarms alarms,
                        TaskClaims claims) {
        this.claims = claims;
        this.queue = queue;
        this.storeQueue = storeQueue;
        this.links = links;
        this.retry = retry;
        this.credentials = credentials;
        this.clock = clock;
        this.shared = shared;
        this.alarms = alarms;
    }

    /**
     * The task waits for its patient, encounter or baseline score. With several writes in flight
     * the dependency may have reached the EHR since it was looked up: look again after parking
     * the task. (Two concurrent transactions can still miss each other; the queue's sweep at
     * every poll, {@code SyncQueue.wakeSatisfied}, wakes such a task.)
     */
    @Transactional
    public void waiting(SyncWork work) {
        SyncTask task = work.task();
        try {
            park(work, task);
        } finally {
            claims.ended(task.id());
        }
    }

    private void park(SyncWork work, SyncTask task) {
        Dependency dependency = work.waitingFor();
        Instant now = clock.instant();
        if (takenOver(queue.markWaiting(task.id(), dependency.kind(), dependency.recordId(), now), task, "waiting")) {
            return;
        }
        boolean there = dependency.shared() ? shared.isFree(task.clinicId(), dependency)
                : links.find(task.clinicId(), dependency.kind(), dependency.recordId()).isPresent();
        if (there) {
            queue.wake(task.clinicId(), dependency.kind(), dependency.recordId(), now);
        }
    }

    /**
     * The clinic's EHR does not take the record (issue 13), found before anything was sent: its
     * main resource, or its patient, is of a type the EHR does not accept. The task ends so, with
     * why; whatever waits for the record is woken (it goes without it, or is not accepted either).
     */
    @Transactional
    public void notAccepted(SyncWork work) {
        SyncTask task = work.task();
        try {
            endNotAccepted(work, task, work.whyNotAccepted(), clock.instant());
        } finally {
            claims.ended(task.id());
        }
    }

    private boolean endNotAccepted(SyncWork work, SyncTask task, WriteResult.NotAccepted why, Instant now) {
        if (takenOver(queue.markNotAccepted(task.id(), why.resourceType(), why.reason(), now), task, "not accepted")) {
            return false;
        }
        alarms.clear(task.id());
        // Types only: the reason names no patient, but a log line has no need of more.
        log.debug("Task {} of clinic {} not sent: the EHR does not accept it ({})", task.id(), task.clinicId(),
                why.resourceType());
        queue.wake(task.clinicId(), work.kind().name(), task.recordId(), now);
        return true;
    }

    /**
     * The EHR answered: it holds the record now, refused it for good, asked for a pause (429), or
     * refused the bridge's credentials (the clinic is held; the task stays due, its attempt not spent);
     * or, for a patient matched in the EHR, holds no such patient yet (the task waits, its attempt not spent).
     * Or the record is not accepted by it (issue 13: a change to a create-only resource).
     */
    @Transactional
    public void written(SyncWork work) {
        SyncTask task = work.task();
        try {
            record(work, task);
        } finally {
            claims.ended(task.id());
        }
    }

    private void record(SyncWork work, SyncTask task) {
        Instant now = clock.instant();
        WriteResult result = work.result();
        if (result.tokenUnavailable() != null) {
            // No access token from the EHR's token endpoint (issue 13): held the same way.
            WriteResult.TokenUnavailable why = result.tokenUnavailable();
            credentials.tokenUnavailable(task.clinicId(), why, now);
            queue.scheduleRetry(task.id(), task.attempts(), now, "no access token from the EHR's token endpoint ("
                    + why.error() + "): held until it gives one, no attempt spent", now);
            return;
        }
        if (result.isCredentialsRefused()) {
            // What the EHR said of the credentials holds for the clinic, whoever holds the task.
            credentials.refused(task.clinicId(), result.credentialsRefused(), now);
            takenOver(queue.scheduleRetry(task.id(), task.attempts(), now, "EHR refused the bridge's credentials (HTTP "
                    + result.credentialsRefused() + "): held until it accepts them, no attempt spent", now), task, "retry");
            return;
        }
        if (result.isNotAccepted()) {
            // Before the credentials are taken as working: a record not accepted may have sent nothing at all.
            if (endNotAccepted(work, task, result.notAccepted(), now)) {
                // What of the record reached the EHR before its main resource (a shared resource): recorded, claims ended.
                shared.written(work, result, now);
            }
            return;
        }
        credentials.accepted(task.clinicId());
        if (result.throttled()) {
            Duration wait = result.retryAfter() != null ? result.retryAfter() : retry.backoff(task.attempts() + 1);
            takenOver(queue.scheduleRetry(task.id(), task.attempts(), retry.retryAfter(now, wait),
                    "EHR answered 429 Too Many Requests", now), task, "retry");
            return;
        }
        if (result.awaitingEhrPatient() != null) {
            // Match (issue 13): the EHR holds no patient with the record's MRN yet. Not the record's
            // fault, so no attempt is spent and nothing is dead-lettered; looked for again later, and
            // what refers to the patient waits for it (WAITING on the patient record, as ever).
            Instant next = now.plus(work.clinic().ehr().patientRecheck());
            if (takenOver(queue.awaitEhrPatient(task.id(), next, result.awaitingEhrPatient(), now), task, "awaiting the EHR's patient")) {
                return;
            }
            alarms.clear(task.id());
            log.info("Task {} of clinic {} waits for the EHR's patient (the EHR holds none with the record's MRN yet, or"
                    + " there is no ehr.patient-identifier-system to search by); looked for again at {}", task.id(), task.clinicId(), next);
            return;
        }
        if (result.duplicates() != null) {
            if (takenOver(queue.deadLetter(task.id(), task.attempts() + 1, result.refusal(), now), task, "dead letter")) {
                return;
            }
            alarms.clear(task.id());
            shared.duplicatesFound(work, result, now);
            return;
        }
        if (result.uncertain() != null) {
            // Issue 13: not refused, not retried: only clinic IT can tell whether the EHR holds it.
            if (takenOver(queue.markUncertain(task.id(), task.attempts() + 1, result.uncertain(), now), task, "uncertain")) {
                return;
            }
            alarms.clear(task.id());
            log.warn("Task {} of clinic {} is uncertain: the EHR may hold its record already (the answer to a create"
                    + " was lost) and cannot be searched to tell; it waits for clinic IT to check the EHR and settle it",
                    task.id(), task.clinicId());
            return;
        }
        if (!result.isStored()) {
            if (takenOver(queue.deadLetter(task.id(), task.attempts() + 1, result.refusal(), now), task, "dead letter")) {
                return;
            }
            alarms.clear(task.id());
            log.warn("Task {} of clinic {} dead-lettered: the EHR refused it", task.id(), task.clinicId());
            return;
        }
        if (takenOver(queue.markSent(task.id(), result.reference(), note(work, result), now), task, "sent")) {
            return;
        }
        alarms.clear(task.id());
        // The auditors' store records the delivery too: when, and as what id in the EHR.
        storeQueue.deliveryPending(task.recordVersionId(), now);
        links.save(task.clinicId(), task.kind(), task.recordId(), result.reference(), now);
        // Whatever waited for this record (its patient, encounter, or baseline score) can go now.
        queue.wake(task.clinicId(), work.kind().name(), task.recordId(), now);
        // The shared resources it wrote: their EHR ids recorded, their claims ended, their waiters woken.
        shared.written(work, result, now);
    }

    /** What of the record was left out (issue 13: types the EHR does not accept, changes it does not take), or null. */
    private static String note(SyncWork work, WriteResult result) {
        List<String> notes = new ArrayList<>(work.notes());
        notes.addAll(result.notes());
        return notes.isEmpty() ? null : String.join("; ", notes);
    }

    /** The task could not go: decide, by why, whether and when it goes again. */
    public void failed(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        SyncTask task = work.task();
        try {
            failed(task, cause);
        } finally {
            claims.ended(task.id());
        }
    }

    private void failed(SyncTask task, Throwable cause) {
        Instant now = clock.instant();
        if (cause instanceof BridgeStoppingException) {
            // Not tried, and its row untouched but for its claim, given back: due again at the
            // next start (or for another process) at once.
            claims.release(task.id());
            return;
        }
        if (cause instanceof TaskClaimLostException) {
            takenOver(false, task, "not written");
            // Still ours but for too short a while to write: given back for whoever comes next.
            // (Taken over: the release changes nothing.)
            claims.release(task.id());
            return;
        }
        if (cause == null || cause instanceof CallNotPermittedException) {
            // The circuit is open: the EHR was not even tried, so no attempt is spent. (Camel's
            // breaker hands its fallback no exception when it refused the call.)
            Duration wait = retry.circuitOpenFor();
            takenOver(queue.scheduleRetry(task.id(), task.attempts(), now.plus(wait), "EHR circuit open: not tried", now),
                    task, "retry");
        } else if (cause instanceof EhrUnavailableException e) {
            retryOrDeadLetter(task, e.getMessage(), e.retryAfter(), now);
        } else if (cause instanceof RecordConflict e) {
            if (!takenOver(queue.deadLetter(task.id(), task.attempts() + 1, "not sent: " + e.getMessage(), now),
                    task, "dead letter")) {
                log.warn("Task {} of clinic {} dead-lettered: it contradicts another record", task.id(), task.clinicId());
            }
        } else if (cause instanceof MappingException e) {
            if (!takenOver(queue.deadLetter(task.id(), task.attempts() + 1, "mapping failed: " + e.getMessage(), now),
                    task, "dead letter")) {
                log.warn("Task {} of clinic {} dead-lettered: mapping failed", task.id(), task.clinicId());
            }
        } else {
            String what = cause.getClass().getSimpleName();
            // The kinds of error along the cause chain, never a message or a stack trace's causes:
            // those may quote the record (a parser's, a database's, the EHR's own words).
            log.error("Task {} of clinic {} failed unexpectedly ({})", task.id(), task.clinicId(), LogSafe.kinds(cause));
            retryOrDeadLetter(task, "internal error: " + what, null, now);
        }
    }

    private void retryOrDeadLetter(SyncTask task, String error, Duration retryAfter, Instant now) {
        int attempts = task.attempts() + 1;
        if (attempts >= retry.maxAttempts()) {
            if (!takenOver(queue.deadLetter(task.id(), attempts, error, now), task, "dead letter")) {
                log.warn("Task {} of clinic {} dead-lettered after {} attempts", task.id(), task.clinicId(), attempts);
            }
            return;
        }
        Instant next = retryAfter != null ? retry.retryAfter(now, retryAfter) : now.plus(retry.backoff(attempts));
        takenOver(queue.scheduleRetry(task.id(), attempts, next, error, now), task, "retry");
    }

    /**
     * True (and warned) when the outcome was refused because this process no longer holds the
     * task: another writer took it over, and what this one learnt is not recorded.
     */
    private boolean takenOver(boolean recorded, SyncTask task, String outcome) {
        if (!recorded) {
            log.warn("Task {} of clinic {}: this process no longer holds it (its claim was taken over by another"
                    + " writer, or its lease ran out while renewals failed); outcome '{}' not recorded here",
                    task.id(), task.clinicId(), outcome);
        }
        return !recorded;
    }
}
