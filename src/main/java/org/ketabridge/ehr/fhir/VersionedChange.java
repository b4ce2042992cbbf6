package org.ketabridge.ehr.fhir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Supplier;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;

/**
 * A later version of a resource the EHR holds under its own id, sent with {@code If-Match: W/"n"}
 * (built here: HAPI's client sends the strong form), by {@code PUT} (create-update) or by a JSON
 * Patch (create-patch) alike. A version conflict (409 or 412 to a request that carried If-Match; a
 * 412 to one without says it is required) re-reads the resource's version and sends the same
 * request again, at most {@link #VERSION_CONFLICT_RESENDS} times, then the task is tried later.
 * 404 or 410: the EHR no longer holds it, and it is not created again silently.
 */
final class VersionedChange {

    /** How many times a versioned change is sent again after a version conflict (409/412) and a re-read. */
    static final int VERSION_CONFLICT_RESENDS = 3;

    /** What sending it came to: the version the EHR now holds (may be null: not said), or an answer that ends the write. */
    record Sent(String version, WriteResult stop) {
    }

    private final EhrExchange exchange;
    private final EhrAnswers answers;

    VersionedChange(EhrExchange exchange, EhrAnswers answers) {
        this.exchange = exchange;
        this.answers = answers;
    }

    /**
     * @param reference {@code Type/id} of the resource in the EHR
     * @param version   the version the bridge last knew (null: none said, sent without If-Match)
     * @param request   a new request of the change each time (method, body), without If-Match
     * @param change    what the change is called in a refusal: {@code update} or {@code patch}
     */
    Sent send(String reference, String version, Supplier<HttpRequest.Builder> request, String change) {
        String type = reference.substring(0, reference.indexOf('/'));
        URI uri = exchange.at(reference);
        for (int resends = 0; ; resends++) {
            HttpRequest.Builder builder = request.get();
            if (version != null) {
                builder.header("If-Match", "W/\"" + version + "\"");
            }
            HttpResponse<String> response = exchange.answer(builder);
            int status = response.statusCode();
            if (status == 412 || status == 409 && version != null) {
                if (resends >= VERSION_CONFLICT_RESENDS) {
                    throw new EhrUnavailableException("EHR answered " + status + " to " + (resends + 1) + " versioned " + change
                            + "s of " + reference + " in a row (its version kept changing): tried again later", null);
                }
                HttpResponse<String> current = exchange.send(exchange.request(uri).GET(), answers);
                if (current.statusCode() == 404 || current.statusCode() == 410) {
                    return stopped(gone(reference, current.statusCode(), change));
                }
                if (!EhrAnswers.isSuccess(current.statusCode())) {
                    return stopped(answers.refused(current));
                }
                version = answers.idAndVersion(current, type).version();
                continue;
            }
            if (status == 404 || status == 410) {
                return stopped(gone(reference, status, change));
            }
            if (status >= 500 || status == 408 || status == 409) {
                throw new EhrUnavailableException("EHR answered " + status + answers.summary(response),
                        EhrAnswers.retryAfter(response).orElse(null));
            }
            if (status == 429) {
                return stopped(WriteResult.throttled(EhrAnswers.retryAfter(response).orElse(null)));
            }
            if (!EhrAnswers.isSuccess(status)) {
                return stopped(refused(response, reference, change));
            }
            return new Sent(answers.idAndVersion(response, type).version(), null);
        }
    }

    /**
     * A refused patch says what its tests guard: the EHR's resource no longer holds, in an array
     * the bridge changes, what the bridge last sent there (see {@link ChangePatch}).
     */
    private WriteResult refused(HttpResponse<String> response, String reference, String change) {
        int status = response.statusCode();
        if ("patch".equals(change) && (status == 400 || status == 422)) {
            return WriteResult.refused("EHR refused the patch of " + reference + " with " + status + answers.summary(response)
                    + " (the patch changes only what the bridge sent, and first tests that each array element it changes"
                    + " still holds what the bridge last sent there: the EHR's copy may have been changed there; check it"
                    + " in the EHR, then replay the record)");
        }
        return answers.refused(response);
    }

    private static Sent stopped(WriteResult result) {
        return new Sent(null, result);
    }

    private static WriteResult gone(String reference, int status, String change) {
        return WriteResult.refused("EHR no longer holds " + reference + " (it answered " + status + " to its " + change + ");"
                + " the bridge does not create it again by itself: check the EHR, then replay the record");
    }
}
