package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.db.EhrResources;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.MappedResource;

/**
 * Writes one resource to an EHR without conditional writes (strategy {@code create-update}, issue
 * 13): created by a plain POST once, recorded in the intent log ({@code db/EhrResources}) before it
 * is sent ({@link LoggedCreate}), and updated by {@code PUT Type/id} with {@code If-Match} from then
 * on; a create whose answer was lost is looked up, never posted blindly again. The update is also
 * how a {@code conditional-create} type's later versions go ({@link ConditionalCreateWriter}).
 */
final class CreateUpdateWriter {

    /** How many times a versioned update is sent again after a version conflict (409/412) and a re-read. */
    static final int VERSION_CONFLICT_RESENDS = 3;

    private final LoggedCreate creates;
    private final EhrExchange exchange;
    private final EhrAnswers answers;
    private final FhirContext fhir;
    private final EhrResources intents;
    private final Clock clock;

    CreateUpdateWriter(LoggedCreate creates, EhrExchange exchange, EhrAnswers answers, FhirContext fhir,
                       EhrResources intents, Clock clock) {
        this.creates = creates;
        this.exchange = exchange;
        this.answers = answers;
        this.fhir = fhir;
        this.intents = intents;
        this.clock = clock;
    }

    /**
     * One resource of a create-update type. Known to the intent log as CREATED: updated to its
     * EHR id with {@code If-Match} (nothing sent when the body is the one last sent). Otherwise
     * created through the intent log ({@link LoggedCreate#createdOrHeld}).
     */
    ResourceWrite write(MappedResource r, Long taskId) {
        LoggedCreate.Body body = creates.body(r);
        LoggedCreate.Known known = creates.createdOrHeld(r, body, taskId);
        if (known.done() != null) {
            return known.done();
        }
        return update(r, known.held(), body, taskId);
    }

    /**
     * {@code PUT [base]/Type/id} with {@code If-Match: W/"n"} (built here: HAPI's client sends the
     * strong form). A version conflict (409 or 412 to a request that carried If-Match; a 412 to
     * one without says it is required) re-reads the resource's version and sends the same body
     * again, at most {@link #VERSION_CONFLICT_RESENDS} times, then the task is tried later. 404 or
     * 410: the EHR no longer holds it, and it is not created again silently. Nothing is sent when
     * the body is the one last sent.
     */
    ResourceWrite update(MappedResource r, EhrResources.Entry entry, LoggedCreate.Body body, Long taskId) {
        String reference = r.resourceType() + "/" + entry.ehrId();
        String hash = body.hash();
        if (hash.equals(entry.sentHash())) {
            return ResourceWrite.at(reference);
        }
        EhrResources.Key key = creates.key(r);
        Resource withId = body.resource().copy();
        withId.setId(entry.ehrId());
        String json = fhir.newJsonParser().encodeResourceToString(withId);
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
}
