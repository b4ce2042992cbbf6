package org.ketabridge.auditor.feed;

import org.hl7.fhir.r4.model.Identifier;
import org.ketabridge.config.Clinic;
import org.ketabridge.mapping.Identity;
import org.ketabridge.record.RecordKind;

/**
 * The id a resource has in the auditors' store, derived from its identifier
 * ({@link Identity#derived}): the same record always lands on the same id, so writing it again
 * is an update (a no-op when unchanged), and a record can refer to its patient or encounter
 * before they are stored.
 */
public final class StoreIds {

    private StoreIds() {
    }

    public static String of(Identifier identifier) {
        return Identity.derived(identifier).id();
    }

    public static String of(String system, String value) {
        return Identity.derived(system, value).id();
    }

    /** The store's reference to a record's main resource: {@code MedicationAdministration/kb-...}. */
    public static String reference(Clinic clinic, RecordKind kind, String recordId) {
        return Identity.reference(clinic, kind, recordId);
    }
}
