package org.ketabridge.ehr.fhir;

import org.ketabridge.mapping.MappedResource;

/**
 * Writes one resource of a type the EHR creates but never changes (strategy {@code create-only},
 * issue 13): created by a plain POST once, through the intent log ({@link LoggedCreate}: committed
 * before the POST, a lost answer looked up, never posted blindly again). A later body the same as
 * the one sent needs nothing; a different one is not sent, and says so ({@link ResourceWrite#notSent}):
 * this EHR takes no changes to the type.
 */
final class CreateOnlyWriter {

    private final LoggedCreate creates;

    CreateOnlyWriter(LoggedCreate creates) {
        this.creates = creates;
    }

    ResourceWrite write(MappedResource r, Long taskId) {
        LoggedCreate.Body body = creates.body(r);
        LoggedCreate.Known known = creates.createdOrHeld(r, body, taskId);
        if (known.done() != null) {
            return known.done();
        }
        String reference = r.resourceType() + "/" + known.held().ehrId();
        if (body.hash().equals(known.held().sentHash())) {
            return ResourceWrite.at(reference);
        }
        return ResourceWrite.notSent(reference, "this EHR takes no changes to " + r.resourceType() + " (create-only)");
    }
}
