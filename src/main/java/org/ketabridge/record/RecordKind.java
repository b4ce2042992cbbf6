package org.ketabridge.record;

import java.util.Arrays;
import java.util.Optional;

/** The four record kinds of the contract, with the id field and identifier suffix each uses. */
public enum RecordKind {
    PATIENT("patients", "mrn", "mrn"),
    ENCOUNTER("encounters", "encounterId", "encounter"),
    DOSE("doses", "doseId", "dose"),
    SCORE("scores", "scoreId", "score");

    private final String collection;
    private final String idField;
    private final String identifierSuffix;

    RecordKind(String collection, String idField, String identifierSuffix) {
        this.collection = collection;
        this.idField = idField;
        this.identifierSuffix = identifierSuffix;
    }

    /** The URL segment and CSV file prefix: {@code patients}, {@code doses}, ... */
    public String collection() { return collection; }

    /** The field holding the clinic's own id for the record. */
    public String idField() { return idField; }

    /** The last segment of the identifier system, {@code {base}/mrn} etc. */
    public String identifierSuffix() { return identifierSuffix; }

    public static Optional<RecordKind> fromCollection(String collection) {
        return Arrays.stream(values()).filter(k -> k.collection.equals(collection)).findFirst();
    }
}
