package org.ketabridge.ehr.fhir;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.ketabridge.db.EhrResources;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.ehr.auth.EhrTokenUnavailableException;
import org.ketabridge.mapping.MappedResource;

/**
 * Writes one resource of a type the EHR creates conditionally but does not update conditionally
 * (strategy {@code conditional-create}, issue 13): {@code POST [base]/Type} with
 * {@code If-None-Exist: identifier=system|value}, so the EHR itself creates it only when it holds
 * none with the identifier. What it answers (201 created, 200 held already) is recorded in the
 * intent log as CREATED with the EHR's id and version, and later versions go by versioned update
 * ({@code PUT Type/id} with {@code If-Match}, {@link CreateUpdateWriter#update}).
 *
 * <p>A lost answer needs no lookup: the same conditional create is sent again, and the EHR's check
 * makes it a no-op if the first one arrived. Not before the first one has settled, though (the
 * intent row, committed before each POST, says when it was sent): two creates of one resource in
 * flight at once could both find none and both create. A 200 to a body the intent log does not
 * show as sent before (the EHR held the resource from elsewhere, perhaps with other content) is
 * followed by that versioned update, so the EHR holds this version. 412 is FHIR's "multiple
 * matches": the EHR holds duplicates, the alarm.
 */
final class ConditionalCreateWriter {

    private final LoggedCreate creates;
    private final CreateUpdateWriter updates;
    private final EhrExchange exchange;
    private final EhrAnswers answers;
    private final EhrResources intents;
    private final Clock clock;

    ConditionalCreateWriter(LoggedCreate creates, CreateUpdateWriter updates, EhrExchange exchange, EhrAnswers answers,
                            EhrResources intents, Clock clock) {
        this.creates = creates;
        this.updates = updates;
        this.exchange = exchange;
        this.answers = answers;
        this.intents = intents;
        this.clock = clock;
    }

    ResourceWrite write(MappedResource r, Long taskId) {
        String type = r.resourceType();
        EhrResources.Key key = creates.key(r);
        LoggedCreate.Body body = creates.body(r);
        Optional<EhrResources.Entry> entry = creates.find(key);
        if (entry.isPresent() && entry.get().created()) {
            return updates.update(r, entry.get(), body, taskId);
        }
        // What the EHR holds if a create sent before reached it: that body (null: none was sent).
        String sentBefore = null;
        if (entry.isPresent()) {
            creates.awaitSettled(type, entry.get(), "sent again");
            sentBefore = entry.get().sentHash();
            if (!intents.resending(key, body.hash(), body.json(), taskId, clock.instant())) {
                throw new EhrUnavailableException("another writer is creating this " + type + " in the EHR now, or this"
                        + " process no longer holds the task", null);
            }
        } else {
            LoggedCreate.mayCreate(intents.creating(key, body.hash(), body.json(), taskId, clock.instant()), type);
        }
        HttpResponse<String> response;
        try {
            response = exchange.answer(exchange.request(exchange.at(type))
                    .header("If-None-Exist", ifNoneExist(r))
                    .POST(HttpRequest.BodyPublishers.ofString(body.json())));
        } catch (NotSentException | EhrTokenUnavailableException notSent) {
            if (sentBefore == null) {
                intents.forget(key);
            }
            throw notSent;
        }
        int status = response.statusCode();
        if (status >= 500 || status == 408 || status == 409) {
            // The row stays: sent again once this one has settled.
            throw new EhrUnavailableException("EHR answered " + status + " to the conditional create of a " + type
                    + answers.summary(response), EhrAnswers.retryAfter(response).orElse(null));
        }
        if (status == 412) {
            intents.forget(key);
            return ResourceWrite.stop(WriteResult.duplicates("EHR holds duplicates: it answered 412 to the conditional create"
                    + " of a " + type + answers.summary(response), new WriteResult.Duplicates(type, r.placeholder())));
        }
        if (!EhrAnswers.isSuccess(status)) {
            if (sentBefore == null) {
                intents.forget(key);
            }
            return ResourceWrite.stop(status == 429 ? WriteResult.throttled(EhrAnswers.retryAfter(response).orElse(null))
                    : answers.refused(response));
        }
        EhrAnswers.IdAndVersion held = answers.idAndVersion(response, type);
        if (held.id() == null) {
            throw new EhrUnavailableException("EHR took the conditional create of a " + type + " but did not say its id", null);
        }
        boolean ours = status != 200 || body.hash().equals(sentBefore);
        intents.created(key, held.id(), held.version(), ours ? body.hash() : null, ours ? body.json() : null, taskId,
                clock.instant());
        if (ours) {
            return ResourceWrite.at(type + "/" + held.id());
        }
        // The EHR held it before any create of this body: it gets this version by a versioned update.
        return updates.update(r, creates.find(key).orElseThrow(), body, taskId);
    }

    /** {@code identifier=system|value}, the value URL-encoded as in a search URL (FHIR's If-None-Exist is one). */
    static String ifNoneExist(MappedResource r) {
        return "identifier=" + URLEncoder.encode(r.identifierSystem() + "|" + r.identifierValue(), StandardCharsets.UTF_8);
    }
}
