package org.ketabridge.record;

import java.util.Arrays;
import java.util.Optional;

/**
 * The four record kinds of the contract, with what each kind decides once for the whole bridge:
 * its collection, its id field, the suffix of its identifier system, and the FHIR resource type
 * of its main resource (the one its identifier names, that other records refer to).
 */
public enum RecordKind {
    PATIENT("patients", "mrn", "mrn", "Patient"),
    ENCOUNTER("encounters", "encounterId", "encounter", "Encounter"),
    DOSE("doses", "doseId", "dose", "MedicationAdministration"),
    SCORE("scores", "scoreId", "score", "Observation");

    private final String collection;
    private final String idField;
    private final String identifierSuffix;
    private final String resourceType;

    RecordKind(String collection, String idField, String identifierSuffix, String resourceType) {
        this.collection = collection;
        this.idField = idField;
        this.identifierSuffix = identifierSuffix;
        this.resourceType = resourceType;
    }

    /** The URL segment and CSV file prefix: {@code patients}, {@code doses}, ... */
    public String collection() { return collection; }

    /** The field holding the clinic's own id for the record. */
    public String idField() { return idField; }

    /** The last segment of the identifier system, {@code {base}/mrn} etc. */
    public String identifierSuffix() { return identifierSuffix; }

    /** The FHIR type of the record's main resource: {@code Patient}, {@code MedicationAdministration}, ... */
    public String resourceType() { return resourceType; }

    public static Optional<RecordKind> fromCollection(String collection) {
        return Arrays.stream(values()).filter(k -> k.collection.equals(collection)).findFirst();
    }
}
