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
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.db.EhrResources;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.ehr.auth.EhrTokenUnavailableException;
import org.ketabridge.mapping.MappedResource;

/**
 * Writes one resource to an EHR without conditional writes (issue 13): created by a plain POST
 * once, recorded in the intent log ({@code db/EhrResources}) before it is sent, and changed with
 * {@code If-Match} from then on ({@link VersionedChange}): strategy {@code create-update} by
 * {@code PUT Type/id}, {@code create-patch} (an EHR that takes no PUT: Oracle Health's Patient and
 * Encounter) by {@code PATCH Type/id} with a JSON Patch of what changed since the body last sent
 * ({@link ChangePatch}). A create whose answer was lost is looked up ({@link LostCreateLookup}),
 * never posted blindly again. Both strategies share all of it but how a later version is sent.
 */
final class CreateUpdateWriter {

    /** How many times a versioned change is sent again after a version conflict (409/412) and a re-read. */
    static final int VERSION_CONFLICT_RESENDS = VersionedChange.VERSION_CONFLICT_RESENDS;

    static final String JSON_PATCH = "application/json-patch+json";

    private final String clinicId;
    private final EhrExchange exchange;
    private final EhrAnswers answers;
    private final FhirContext fhir;
    private final EhrResources intents;
    // The intent log's times, and when an uncertain create may be looked up (see settle()).
    private final Clock clock;
    private final Duration settle;
    private final Function<String, Optional<WritePlan.TypePlan>> plans;
    private final LostCreateLookup lookup;
    private final VersionedChange versioned;

    /**
     * @param settle how long after a create was sent it may be looked up (see {@link FhirEhrClient#settle()})
     * @param plans  the clinic's plan of a resource type (what it may be searched by)
     */
    CreateUpdateWriter(String clinicId, EhrExchange exchange, EhrAnswers answers, FhirContext fhir, EhrResources intents,
                       Clock clock, Duration settle, Function<String, Optional<WritePlan.TypePlan>> plans) {
        this.clinicId = clinicId;
        this.exchange = exchange;
        this.answers = answers;
        this.fhir = fhir;
        this.intents = intents;
        this.clock = clock;
        this.settle = settle;
        this.plans = plans;
        this.lookup = new LostCreateLookup(exchange, answers);
        this.versioned = new VersionedChange(exchange, answers);
    }

    private EhrResources.Key intentKey(MappedResource r) {
        return new EhrResources.Key(clinicId, r.resourceType(), r.writtenById() ? "" : r.identifierSystem(),
                r.identifierValue());
    }

    /**
     * One resource of a create-update or create-patch type ({@code strategy}). Known to the intent
     * log as CREATED: changed at its EHR id with {@code If-Match} (nothing sent when the body is the
     * one last sent). Known as CREATING or UNCERTAIN (a crash, or a lost answer to its POST): looked
     * up first, never posted blindly again. Unknown: recorded as CREATING (committed), then POSTed.
     */
    ResourceWrite write(MappedResource r, Long taskId, WriteStrategy strategy) {
        EhrResources.Key key = intentKey(r);
        Resource body = r.resource().copy();
        body.setId((String) null);
        String json = fhir.newJsonParser().encodeResourceToString(body);
        String hash = sha256(json);
        Optional<EhrResources.Entry> entry = intents.find(key);
        if (entry.isPresent() && !entry.get().created()) {
            ResourceWrite resolved = resolveUncertain(r, key, entry.get(), taskId);
            if (resolved != null) {
                return resolved;
            }
            entry = intents.find(key);
        }
        if (entry.isEmpty()) {
            return create(r, key, json, hash, taskId);
        }
        return strategy == WriteStrategy.CREATE_PATCH
                ? patch(r, key, entry.get(), json, hash, taskId)
                : update(r, key, entry.get(), body, json, hash, taskId);
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
            return cannotTell(type, unsearchable.get());
        }
        // Not at once: the create may still be arriving. An EHR, or a proxy before it, that commits after
        // the bridge stopped waiting would not show it yet, and a lookup finding none would create it again.
        Instant now = clock.instant();
        Instant lookUpFrom = entry.attemptAt() == null ? now : entry.attemptAt().toInstant().plus(settle);
        if (now.isBefore(lookUpFrom)) {
            throw new EhrUnavailableException("the create of this record's " + type + " may still be arriving at the EHR"
                    + " (its answer was lost): looked up " + settle.toSeconds() + " s after it was sent, not before",
                    Duration.between(now, lookUpFrom));
        }
        LostCreateLookup.Finding finding = lookup.find(sent, system, r.identifierValue(), plan);
        switch (finding.kind()) {
            case STOPPED:
                return ResourceWrite.stop(finding.stop());
            case CANNOT_TELL:
                return cannotTell(type, finding.why());
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
     */
    private static ResourceWrite cannotTell(String type, String why) {
        return ResourceWrite.stop(WriteResult.uncertain("the answer to the bridge's create of this record's " + type
                + " was lost, so the EHR may hold it already, and " + why + ": not created again. Check the EHR for it,"
                + " then settle the task: in the EHR (with its id) or not"));
    }

    /**
     * {@code POST [base]/Type}, its intent committed first. A lost answer (timeout, connection
     * broken after sending, 5xx, 408, 409) leaves the row UNCERTAIN and the task is tried again
     * later: then the resource is looked up before anything is sent.
     */
    private ResourceWrite create(MappedResource r, EhrResources.Key key, String json, String hash, Long taskId) {
        String type = r.resourceType();
        switch (intents.creating(key, hash, json, taskId, clock.instant())) {
            case ALREADY_RECORDED -> throw new EhrUnavailableException("another writer is creating this " + type
                    + " in the EHR now", null);
            case TASK_NOT_HELD -> throw new EhrUnavailableException("this process no longer holds the task (its claim ran"
                    + " out or was taken over): the create of its " + type + " was not sent", null);
            case RECORDED -> { }
        }
        HttpResponse<String> response;
        try {
            response = exchange.answer(exchange.request(exchange.at(type)).POST(HttpRequest.BodyPublishers.ofString(json)));
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
        intents.created(key, created.id(), created.version(), hash, json, taskId, clock.instant());
        return ResourceWrite.at(type + "/" + created.id());
    }

    /** {@code PUT [base]/Type/id} with the whole body, versioned ({@link VersionedChange}). */
    private ResourceWrite update(MappedResource r, EhrResources.Key key, EhrResources.Entry entry, Resource body, String json,
                                 String hash, Long taskId) {
        String reference = r.resourceType() + "/" + entry.ehrId();
        if (hash.equals(entry.sentHash())) {
            return ResourceWrite.at(reference);
        }
        body.setId(entry.ehrId());
        String withId = fhir.newJsonParser().encodeResourceToString(body);
        VersionedChange.Sent sent = versioned.send(reference, entry.ehrVersion(),
                () -> exchange.request(exchange.at(reference)).PUT(HttpRequest.BodyPublishers.ofString(withId)), "update");
        return changed(key, entry, reference, sent, hash, json, taskId);
    }

    /**
     * {@code PATCH [base]/Type/id} with a JSON Patch ({@code application/json-patch+json}) of what
     * changed between the body last sent and this one ({@link ChangePatch}), versioned
     * ({@link VersionedChange}). Without the body last sent (a row from before it was kept) the
     * bridge cannot tell what it owns in the EHR's resource: refused, saying so.
     */
    private ResourceWrite patch(MappedResource r, EhrResources.Key key, EhrResources.Entry entry, String json, String hash,
                                Long taskId) {
        String reference = r.resourceType() + "/" + entry.ehrId();
        if (hash.equals(entry.sentHash())) {
            return ResourceWrite.at(reference);
        }
        if (entry.sentBody() == null) {
            return ResourceWrite.stop(WriteResult.refused("cannot patch " + reference + ": the body the bridge last sent of it"
                    + " is not known (sent before this version kept it), so the bridge cannot tell what it owns in the EHR's"
                    + " copy; change it in the EHR by hand, or have it removed there and the record replayed"));
        }
        String patch = ChangePatch.between(entry.sentBody(), json).toString();
        if ("[]".equals(patch)) {
            // The same resource, encoded otherwise: nothing to send, the new body is the one last sent.
            intents.created(key, entry.ehrId(), entry.ehrVersion(), hash, json, taskId, clock.instant());
            return ResourceWrite.at(reference);
        }
        VersionedChange.Sent sent = versioned.send(reference, entry.ehrVersion(),
                () -> exchange.request(exchange.at(reference)).method("PATCH", HttpRequest.BodyPublishers.ofString(patch))
                        .setHeader("Content-Type", JSON_PATCH + "; charset=utf-8"), "patch");
        return changed(key, entry, reference, sent, hash, json, taskId);
    }

    /** The EHR took the change (recorded: its new version, the body now last sent), or the stop it came to. */
    private ResourceWrite changed(EhrResources.Key key, EhrResources.Entry entry, String reference, VersionedChange.Sent sent,
                                  String hash, String json, Long taskId) {
        if (sent.stop() != null) {
            return ResourceWrite.stop(sent.stop());
        }
        intents.created(key, entry.ehrId(), sent.version(), hash, json, taskId, clock.instant());
        return ResourceWrite.at(reference);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
