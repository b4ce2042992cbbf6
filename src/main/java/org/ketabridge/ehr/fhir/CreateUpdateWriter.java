package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
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
 * Writes one resource to an EHR without conditional writes (strategy {@code create-update}, issue
 * 13): created by a plain POST once, recorded in the intent log ({@code db/EhrResources}) before it
 * is sent, and updated by {@code PUT Type/id} with {@code If-Match} from then on; a create whose
 * answer was lost is looked up, never posted blindly again.
 */
final class CreateUpdateWriter {

    /** How many times a versioned update is sent again after a version conflict (409/412) and a re-read. */
    static final int VERSION_CONFLICT_RESENDS = 3;

    private final String clinicId;
    private final EhrExchange exchange;
    private final EhrAnswers answers;
    private final FhirContext fhir;
    private final EhrResources intents;
    // The intent log's times, and when an uncertain create may be looked up (see settle()).
    private final Clock clock;
    private final Duration settle;
    private final Function<String, Optional<WritePlan.TypePlan>> plans;
    private final IdentifierSearch search;

    /**
     * @param settle how long after a create was sent it may be looked up (see {@link FhirEhrClient#settle()})
     * @param plans  the clinic's plan of a resource type (whether it may be searched by identifier)
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
        this.search = new IdentifierSearch(exchange, answers);
    }

    private EhrResources.Key intentKey(MappedResource r) {
        return new EhrResources.Key(clinicId, r.resourceType(), r.writtenById() ? "" : r.identifierSystem(),
                r.identifierValue());
    }

    /**
     * One resource of a create-update type. Known to the intent log as CREATED: updated to its
     * EHR id with {@code If-Match} (nothing sent when the body is the one last sent). Known as
     * CREATING or UNCERTAIN (a crash, or a lost answer to its POST): looked up by identifier
     * first, never posted blindly again. Unknown: recorded as CREATING (committed), then POSTed.
     */
    ResourceWrite write(MappedResource r, Long taskId) {
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
        return update(r, key, entry.get(), body, hash, taskId);
    }

    /**
     * A create of this resource may have reached the EHR without the bridge learning its id. With
     * the identifier search the plan declares for the type: one match is adopted, none means the
     * create never arrived (the row goes, it is created again), several are duplicates (alarm).
     * Without it the resource is not created again: the record is dead-lettered saying so.
     * Returns null when the write goes on.
     */
    private ResourceWrite resolveUncertain(MappedResource r, EhrResources.Key key, EhrResources.Entry entry, Long taskId) {
        String type = r.resourceType();
        boolean searchable = !r.writtenById() && plans.apply(type).map(WritePlan.TypePlan::identifierSearch).orElse(false);
        if (!searchable) {
            return ResourceWrite.stop(WriteResult.refused("uncertain: the answer to the bridge's create of this record's " + type
                    + " was lost, so the EHR may hold it already, and this EHR declares no identifier search for " + type
                    + " to find it by: not created again. Check the EHR for it before this record is sent again"));
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
        IdentifierSearch.Found found = search.search(type, r.identifierSystem(), r.identifierValue());
        if (found.stop() != null) {
            return ResourceWrite.stop(found.stop());
        }
        if (found.matches().isEmpty()) {
            // The lookup is the proof: the lost create never got there.
            intents.forget(key);
            return null;
        }
        if (found.count() > 1) {
            return ResourceWrite.stop(WriteResult.duplicates("EHR holds duplicates: " + found.count()
                    + " " + type + " resources carry the identifier of one the bridge created (its answer was lost)",
                    new WriteResult.Duplicates(type, r.placeholder())));
        }
        Resource match = found.matches().get(0);
        // Adopted: the body it holds is the one whose create was lost (same hash: not sent again).
        intents.created(key, match.getIdElement().getIdPart(), EhrAnswers.versionOf(match), entry.sentHash(), taskId,
                clock.instant());
        return null;
    }

    /**
     * {@code POST [base]/Type}, its intent committed first. A lost answer (timeout, connection
     * broken after sending, 5xx, 408, 409) leaves the row UNCERTAIN and the task is tried again
     * later: then the resource is looked up before anything is sent.
     */
    private ResourceWrite create(MappedResource r, EhrResources.Key key, String json, String hash, Long taskId) {
        String type = r.resourceType();
        if (!intents.creating(key, hash, taskId, clock.instant())) {
            throw new EhrUnavailableException("another writer is creating this " + type + " in the EHR now", null);
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
        intents.created(key, created.id(), created.version(), hash, taskId, clock.instant());
        return ResourceWrite.at(type + "/" + created.id());
    }

    /**
     * {@code PUT [base]/Type/id} with {@code If-Match: W/"n"} (built here: HAPI's client sends the
     * strong form). A version conflict (409 or 412 to a request that carried If-Match; a 412 to
     * one without says it is required) re-reads the resource's version and sends the same body
     * again, at most {@link #VERSION_CONFLICT_RESENDS} times, then the task is tried later. 404 or
     * 410: the EHR no longer holds it, and it is not created again silently.
     */
    private ResourceWrite update(MappedResource r, EhrResources.Key key, EhrResources.Entry entry, Resource body, String hash,
                                 Long taskId) {
        String reference = r.resourceType() + "/" + entry.ehrId();
        if (hash.equals(entry.sentHash())) {
            return ResourceWrite.at(reference);
        }
        body.setId(entry.ehrId());
        String json = fhir.newJsonParser().encodeResourceToString(body);
        String version = entry.ehrVersion();
        URI uri = exchange.at(reference);
        for (int resends = 0; ; resends++) {
            HttpRequest.Builder put = exchange.request(uri).PUT(HttpRequest.BodyPublishers.ofString(json));
            if (version != null) {
                put.header("If-Match", "W/\"" + version + "\"");
            }
            HttpResponse<String> response = exchange.answer(put);
            int status = response.statusCode();
            if (status == 412 || status == 409 && version != null) {
                if (resends >= VERSION_CONFLICT_RESENDS) {
                    throw new EhrUnavailableException("EHR answered " + status + " to " + (resends + 1) + " versioned updates of "
                            + reference + " in a row (its version kept changing): tried again later", null);
                }
                HttpResponse<String> current = exchange.send(exchange.request(uri).GET(), answers);
                if (current.statusCode() == 404 || current.statusCode() == 410) {
                    return ResourceWrite.stop(gone(reference, current.statusCode()));
                }
                if (!EhrAnswers.isSuccess(current.statusCode())) {
                    return ResourceWrite.stop(answers.refused(current));
                }
                version = answers.idAndVersion(current, r.resourceType()).version();
                continue;
            }
            if (status == 404 || status == 410) {
                return ResourceWrite.stop(gone(reference, status));
            }
            if (status >= 500 || status == 408 || status == 409) {
                throw new EhrUnavailableException("EHR answered " + status + answers.summary(response),
                        EhrAnswers.retryAfter(response).orElse(null));
            }
            if (status == 429) {
                return ResourceWrite.stop(WriteResult.throttled(EhrAnswers.retryAfter(response).orElse(null)));
            }
            if (!EhrAnswers.isSuccess(status)) {
                return ResourceWrite.stop(answers.refused(response));
            }
            intents.created(key, entry.ehrId(), answers.idAndVersion(response, r.resourceType()).version(), hash, taskId,
                    clock.instant());
            return ResourceWrite.at(reference);
        }
    }

    private static WriteResult gone(String reference, int status) {
        return WriteResult.refused("EHR no longer holds " + reference + " (it answered " + status + " to its update);"
                + " the bridge does not create it again by itself: check the EHR, then replay the record");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
