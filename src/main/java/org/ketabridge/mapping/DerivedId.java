package org.ketabridge.mapping;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The one rule for an id KetaBridge derives from a name rather than receives: the name-based
 * UUID of the name, written {@code kb-} and its 32 hex digits as a FHIR id, {@code urn:uuid:}
 * and the UUID as a placeholder within a transaction. The same name gives the same id on every
 * run, so writing by it is idempotent: the Provenance of a record version ({@link Identity}),
 * each resource in the auditors' store and its delivery Provenance ({@code auditor/feed}).
 */
public record DerivedId(UUID uuid) {

    private static final String PREFIX = "kb-";

    public static DerivedId of(String name) {
        return new DerivedId(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
    }

    /** As a FHIR id: {@code kb-} and the UUID's hex digits (dashes dropped, 35 characters). */
    public String id() {
        return PREFIX + uuid.toString().replace("-", "");
    }

    /** As a reference to the resource inside its own transaction, before it has an id: {@code urn:uuid:...}. */
    public String placeholder() {
        return "urn:uuid:" + uuid;
    }
}
