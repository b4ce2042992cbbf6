package org.ketabridge.auditor.feed;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.hl7.fhir.r4.model.Identifier;

/**
 * The id a resource has in the auditors' store, derived from its identifier: the same record
 * always lands on the same id, so writing it again is an update (a no-op when unchanged), and a
 * record can refer to its patient or encounter before they are stored.
 */
public final class StoreIds {

    private StoreIds() {
    }

    public static String of(Identifier identifier) {
        return of(identifier.getSystem(), identifier.getValue());
    }

    public static String of(String system, String value) {
        String key = system + "|" + value;
        return "kb-" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }
}
