package org.ketabridge.record;

import java.util.Arrays;
import java.util.Optional;

/**
 * The four record kinds of the contract, with what each kind decides once for the whole bridge:
 * its collection, its id field, the suffix of its identifier system, and the FHIR resource type
 * of its main resource (the one its identifier names, that other records refer to). And one kind
 * the bridge derives itself, never received: {@link #REMS_FORM}, an esketamine session's REMS
 * monitoring form, refilled whenever one of the session's records changes, so that it is stored,
 * versioned and sent like any record (the same queues, the same order, the same acceptance rules).
 */
public enum RecordKind {
    PATIENT("patients", "mrn", "mrn", "Patient", true),
    ENCOUNTER("encounters", "encounterId", "encounter", "Encounter", true),
    DOSE("doses", "doseId", "dose", "MedicationAdministration", true),
    SCORE("scores", "scoreId", "score", "Observation", true),
    /** Derived by the bridge (issue 18): one per esketamine session, named by its encounterId; content a QuestionnaireResponse. */
    REMS_FORM("rems-forms", "encounterId", "rems-form", "QuestionnaireResponse", false);

    private final String collection;
    private final String idField;
    private final String identifierSuffix;
    private final String resourceType;
    private final boolean received;

    RecordKind(String collection, String idField, String identifierSuffix, String resourceType, boolean received) {
        this.collection = collection;
        this.idField = idField;
        this.identifierSuffix = identifierSuffix;
        this.resourceType = resourceType;
        this.received = received;
    }

    /** A kind of the contract, which clinics send; false for what the bridge derives itself. */
    public boolean received() { return received; }

    /** The URL segment and CSV file prefix: {@code patients}, {@code doses}, ... */
    public String collection() { return collection; }

    /** The field holding the clinic's own id for the record. */
    public String idField() { return idField; }

    /** The last segment of the identifier system, {@code {base}/mrn} etc. */
    public String identifierSuffix() { return identifierSuffix; }

    /** The FHIR type of the record's main resource: {@code Patient}, {@code MedicationAdministration}, ... */
    public String resourceType() { return resourceType; }

    /** A kind clinics send, by its collection: never a derived one. */
    public static Optional<RecordKind> fromCollection(String collection) {
        return Arrays.stream(values()).filter(k -> k.received && k.collection.equals(collection)).findFirst();
    }
}
