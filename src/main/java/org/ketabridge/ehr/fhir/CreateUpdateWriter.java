package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.net.http.HttpRequest;
import java.time.Clock;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.db.EhrResources;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.MappedResource;

/**
 * Writes one resource to an EHR without conditional writes (issue 13): created by a plain POST
 * once through the intent log ({@link LoggedCreate}), and changed with {@code If-Match} from then on
 * ({@link VersionedChange}): strategy {@code create-update} by {@code PUT Type/id},
 * {@code create-patch} (an EHR that takes no PUT: Oracle Health's Patient and Encounter) by
 * {@code PATCH Type/id} with a JSON Patch of what changed since the body last sent
 * ({@link ChangePatch}). The update is also how a {@code conditional-create} type's later versions
 * go ({@link ConditionalCreateWriter}).
 */
final class CreateUpdateWriter {

    /** How many times a versioned change is sent again after a version conflict (409/412) and a re-read. */
    static final int VERSION_CONFLICT_RESENDS = VersionedChange.VERSION_CONFLICT_RESENDS;

    static final String JSON_PATCH = "application/json-patch+json";

    private final LoggedCreate creates;
    private final EhrExchange exchange;
    private final FhirContext fhir;
    private final EhrResources intents;
    private final Clock clock;
    private final VersionedChange versioned;

    CreateUpdateWriter(LoggedCreate creates, EhrExchange exchange, EhrAnswers answers, FhirContext fhir,
                       EhrResources intents, Clock clock) {
        this.creates = creates;
        this.exchange = exchange;
        this.fhir = fhir;
        this.intents = intents;
        this.clock = clock;
        this.versioned = new VersionedChange(exchange, answers);
    }

    /**
     * One resource of a create-update or create-patch type ({@code strategy}). Known to the intent
     * log as CREATED: changed at its EHR id with {@code If-Match} (nothing sent when the body is the
     * one last sent). Otherwise created through the intent log ({@link LoggedCreate#createdOrHeld}).
     */
    ResourceWrite write(MappedResource r, Long taskId, WriteStrategy strategy) {
        LoggedCreate.Body body = creates.body(r);
        LoggedCreate.Known known = creates.createdOrHeld(r, body, taskId);
        if (known.done() != null) {
            return known.done();
        }
        return strategy == WriteStrategy.CREATE_PATCH ? patch(r, known.held(), body, taskId) : update(r, known.held(), body, taskId);
    }

    /** {@code PUT [base]/Type/id} with the whole body, versioned ({@link VersionedChange}); nothing when it is the body last sent. */
    ResourceWrite update(MappedResource r, EhrResources.Entry entry, LoggedCreate.Body body, Long taskId) {
        String reference = r.resourceType() + "/" + entry.ehrId();
        if (body.hash().equals(entry.sentHash())) {
            return ResourceWrite.at(reference);
        }
        Resource withId = body.resource().copy();
        withId.setId(entry.ehrId());
        String json = fhir.newJsonParser().encodeResourceToString(withId);
        VersionedChange.Sent sent = versioned.send(reference, entry.ehrVersion(),
                () -> exchange.request(exchange.at(reference)).PUT(HttpRequest.BodyPublishers.ofString(json)), "update");
        return changed(creates.key(r), entry, reference, sent, body, taskId);
    }

    /**
     * {@code PATCH [base]/Type/id} with a JSON Patch ({@code application/json-patch+json}) of what
     * changed between the body last sent and this one ({@link ChangePatch}), versioned
     * ({@link VersionedChange}). Without the body last sent (a row from before it was kept) the
     * bridge cannot tell what it owns in the EHR's resource: refused, saying so.
     */
    private ResourceWrite patch(MappedResource r, EhrResources.Entry entry, LoggedCreate.Body body, Long taskId) {
        String reference = r.resourceType() + "/" + entry.ehrId();
        if (body.hash().equals(entry.sentHash())) {
            return ResourceWrite.at(reference);
        }
        if (entry.sentBody() == null) {
            return ResourceWrite.stop(WriteResult.refused("cannot patch " + reference + ": the body the bridge last sent of it"
                    + " is not known (sent before this version kept it), so the bridge cannot tell what it owns in the EHR's"
                    + " copy; change it in the EHR by hand, or have it removed there and the record replayed"));
        }
        String patch = ChangePatch.between(entry.sentBody(), body.json()).toString();
        if ("[]".equals(patch)) {
            // The same resource, encoded otherwise: nothing to send, the new body is the one last sent.
            intents.created(creates.key(r), entry.ehrId(), entry.ehrVersion(), body.hash(), body.json(), taskId, clock.instant());
            return ResourceWrite.at(reference);
        }
        VersionedChange.Sent sent = versioned.send(reference, entry.ehrVersion(),
                () -> exchange.request(exchange.at(reference)).method("PATCH", HttpRequest.BodyPublishers.ofString(patch))
                        .setHeader("Content-Type", JSON_PATCH + "; charset=utf-8"), "patch");
        return changed(creates.key(r), entry, reference, sent, body, taskId);
    }

    /** The EHR took the change (recorded: its new version, the body now last sent), or the stop it came to. */
    private ResourceWrite changed(EhrResources.Key key, EhrResources.Entry entry, String reference, VersionedChange.Sent sent,
                                  LoggedCreate.Body body, Long taskId) {
        if (sent.stop() != null) {
            return ResourceWrite.stop(sent.stop());
        }
        intents.created(key, entry.ehrId(), sent.version(), body.hash(), body.json(), taskId, clock.instant());
        return ResourceWrite.at(reference);
    }
}
