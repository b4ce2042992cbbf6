package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.db.EhrResources;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.ehr.auth.EhrTokenUnavailableException;
import org.ketabridge.mapping.MappedResource;

/**
 * A resource created in an EHR by a plain POST through the intent log ({@code db/EhrResources},
 * issue 13): what {@code create-update}, {@code create-patch} and {@code create-only} share, and
 * what {@code conditional-create} shares of it. The intent is committed before the POST is sent,
 * in one statement with the check that this writer still holds the task; a create whose answer was
 * lost is looked up once it has settled ({@link LostCreateLookup}), never posted blindly again, and
 * when nothing can tell, the record waits for clinic IT ({@link #cannotTell}). What happens to a
 * resource the EHR already holds is each strategy's own.
 */
final class LoggedCreate {

    /** A resource's body as sent (without the bridge's id), and the SHA-256 the intent log keeps of it. */
    record Body(Resource resource, String json, String hash) {
    }

    /**
     * What the intent log knows once an uncertain create is settled: the write is {@code done}
     * (created now, or stopped: throttled, refused, duplicates, uncertain), or the EHR holds the
     * resource ({@code held}, CREATED) and the strategy decides what its later versions become.
     */
    record Known(ResourceWrite done, EhrResources.Entry held) {
    }

    private final String clinicId;
    private final EhrExchange exchange;
    private final EhrAnswers answers;
    private final FhirContext fhir;
    private final EhrResources intents;
    // The intent log's times, and when an uncertain create may be looked up (see settle).
    private final Clock clock;
    private final Duration settle;
    private final Function<String, Optional<WritePlan.TypePlan>> plans;
    private final LostCreateLookup lookup;

    /**
     * @param settle how long after a create was sent it may be looked up, or sent again (see {@link FhirEhrClient#settle()})
     * @param plans  the clinic's plan of a resource type (what it may be searched by)
     */
    LoggedCreate(String clinicId, EhrExchange exchange, EhrAnswers answers, FhirContext fhir, EhrResources intents,
                 Clock clock, Duration settle, Function<String, Optional<WritePlan.TypePlan>> plans) {
        this.clinicId = clinicId;
        this.exchange = exchange;
        this.answers = answers;
        this.fhir = fhir;
        this.intents = intents;
        this.clock = clock;
        this.settle = settle;
        this.plans = plans;
        this.lookup = new LostCreateLookup(new ResourceSearch(exchange, answers));
    }

    EhrResources.Key key(MappedResource r) {
        return new EhrResources.Key(clinicId, r.resourceType(), r.writtenById() ? "" : r.identifierSystem(),
                r.identifierValue());
    }

    /** The resource as it is sent (its references rewritten already), without the bridge's own id. */
    Body body(MappedResource r) {
        Resource body = r.resource().copy();
        body.setId((String) null);
        String json = fhir.newJsonParser().encodeResourceToString(body);
        return new Body(body, json, sha256(json));
    }

    Optional<EhrResources.Entry> find(EhrResources.Key key) {
        return intents.find(key);
    }

    /**
     * Known to the intent log as CREATED: {@code held}. Known as CREATING or UNCERTAIN (a crash, or
     * a lost answer to its POST): looked up first, never posted blindly again. Unknown: recorded as
     * CREATING (committed), then POSTed: {@code done}.
     */
    Known createdOrHeld(MappedResource r, Body body, Long taskId) {
        EhrResources.Key key = key(r);
        Optional<EhrResources.Entry> entry = intents.find(key);
        if (entry.isPresent() && !entry.get().created()) {
            ResourceWrite resolved = resolveUncertain(r, key, entry.get(), taskId);
            if (resolved != null) {
                return new Known(resolved, null);
            }
            entry = intents.find(key);
        }
        if (entry.isEmpty()) {
            return new Known(create(r, key, body, taskId), null);
        }
        return new Known(null, entry.get());
    }

    /**
     * Throws (tried again later) while a create of this resource sent earlier, whose answer was
     * lost, may still be arriving at the EHR: an EHR, or a proxy before it, that commits after the
     * bridge stopped waiting would not show it yet. {@code then}: what the caller does once it has
     * settled (look it up, send it again).
     */
    void awaitSettled(String type, EhrResources.Entry entry, String then) {
        Instant now = clock.instant();
        Instant from = entry.attemptAt() == null ? now : entry.attemptAt().toInstant().plus(settle);
        if (now.isBefore(from)) {
            throw new EhrUnavailableException("the create of this record's " + type + " may still be arriving at the EHR"
                    + " (its answer was lost): " + then + " " + settle.toSeconds() + " s after it was sent, not before",
                    Duration.between(now, from));
        }
    }

    /**
     * A create of this resource may have reached the EHR without the bridge learning its id. Looked
     * up once it has settled, by identifier or by content ({@link LostCreateLookup}): one match is
     * adopted, none means the create never arrived (the row goes, it is created again), several
     * are duplicates (alarm). When no search can tell, the resource is not created again:
     * {@link #cannotTell}. Returns null when the write goes on.
     */
    private ResourceWrite resolveUncertain(MappedResource r, EhrResources.Key key, EhrResources.Entry entry, Long taskId) {
        String type = r.resourceType();
        // The body whose create was lost is what the EHR may hold (this task may carry a later version).
        Resource sent = entry.sentBody() == null ? r.resource() : (Resource) fhir.newJsonParser().parseResource(entry.sentBody());
        Optional<WritePlan.TypePlan> plan = plans.apply(type);
        String system = r.writtenById() ? null : r.identifierSystem();
        Optional<String> unsearchable = LostCreateLookup.unsearchable(sent, system, plan);
        if (unsearchable.isPresent()) {
            return cannotTell(key, taskId, unsearchable.get());
        }
        // Not at once: the create may still be arriving, and a lookup finding none would create it again.
        awaitSettled(type, entry, "looked up");
        LostCreateLookup.Finding finding = lookup.find(sent, system, r.identifierValue(), plan);
        switch (finding.kind()) {
            case STOPPED:
                return ResourceWrite.stop(finding.stop());
            case CANNOT_TELL:
                return cannotTell(key, taskId, finding.why());
            case NONE:
                // The lookup is the proof: the lost create never got there.
                intents.forget(key);
                return null;
            case SEVERAL:
                return ResourceWrite.stop(WriteResult.duplicates("EHR holds duplicates: " + finding.count() + " " + type
                        + " resources match the one the bridge created (its answer was lost)",
                        new WriteResult.Duplicates(type, r.placeholder())));
            default:
                Resource match = finding.match();
                // Adopted: the body it holds is the one whose create was lost (same hash: not sent again).
                intents.created(key, match.getIdElement().getIdPart(), EhrAnswers.versionOf(match), entry.sentHash(),
                        entry.sentBody(), taskId, clock.instant());
                return null;
        }
    }

    /**
     * The create of this record's resource may have reached the EHR, and no search can tell
     * ({@code why}: what the EHR lacks, or what a candidate left unconfirmed): it is not created
     * again, and the record waits for clinic IT (task state UNCERTAIN) to say what the EHR holds.
     * The row becomes this task's question: the create whose answer was lost may have been an
     * earlier version's task's (dead since) or another record's, and clinic IT settles the task
     * they see uncertain, this one.
     */
    private ResourceWrite cannotTell(EhrResources.Key key, Long taskId, String why) {
        String type = key.resourceType();
        if (taskId != null) {
            intents.askedBy(key, taskId, clock.instant());
        }
        return ResourceWrite.stop(WriteResult.uncertain("the answer to the bridge's create of this record's " + type
                + " was lost, so the EHR may hold it already, and " + why + ": not created again. Check the EHR for it,"
                + " then settle the task: in the EHR (with its id) or not"));
    }

    /** Nothing is sent when the intent cannot be recorded: another writer has it, or this one no longer holds the task. */
    static void mayCreate(EhrResources.Intent intent, String type) {
        switch (intent) {
            case ALREADY_RECORDED -> throw new EhrUnavailableException("another writer is creating this " + type
                    + " in the EHR now", null);
            case TASK_NOT_HELD -> throw new EhrUnavailableException("this process no longer holds the task (its claim ran"
                    + " out or was taken over): the create of its " + type + " was not sent", null);
            case RECORDED -> { }
        }
    }

    /**
     * {@code POST [base]/Type}, its intent committed first. A lost answer (timeout, connection
     * broken after sending, 5xx, 408, 409) leaves the row UNCERTAIN and the task is tried again
     * later: then the resource is looked up before anything is sent.
     */
    private ResourceWrite create(MappedResource r, EhrResources.Key key, Body body, Long taskId) {
        String type = r.resourceType();
        mayCreate(intents.creating(key, body.hash(), body.json(), taskId, clock.instant()), type);
        HttpResponse<String> response;
        try {
            response = exchange.answer(exchange.request(exchange.at(type)).POST(HttpRequest.BodyPublishers.ofString(body.json())));
        } catch (NotSentException | EhrTokenUnavailableException notSent) {
            intents.forget(key);
            throw notSent;
        } catch (RuntimeException maybeSent) {
            intents.uncertain(key, clock.instant());
            throw maybeSent;
        }
        int status = response.statusCode();
        if (status >= 500 || status == 408 || status == 409) {
            intents.uncertain(key, clock.instant());
            throw new EhrUnavailableException("EHR answered " + status + " to the create of a " + type
                    + " (it may hold it: looked up before anything is sent again)" + answers.summary(response),
                    EhrAnswers.retryAfter(response).orElse(null));
        }
        if (!EhrAnswers.isSuccess(status)) {
            intents.forget(key);
            return ResourceWrite.stop(status == 429 ? WriteResult.throttled(EhrAnswers.retryAfter(response).orElse(null))
                    : answers.refused(response));
        }
        EhrAnswers.IdAndVersion created = answers.idAndVersion(response, type);
        if (created.id() == null) {
            intents.uncertain(key, clock.instant());
            throw new EhrUnavailableException("EHR stored the " + type + " but did not say its id", null);
        }
        intents.created(key, created.id(), created.version(), body.hash(), body.json(), taskId, clock.instant());
        return ResourceWrite.at(type + "/" + created.id());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
