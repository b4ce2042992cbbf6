package org.ketabridge.mapping;

/**
 * The resources a record refers to, as the EHR knows them ({@code Patient/123}): its patient, its
 * encounter (null when it has none), and for a score the baseline score its outcome is measured
 * against (null when it has no outcome, or is its own baseline).
 */
public record TargetReferences(String patient, String encounter, String baselineScore) {

    public TargetReferences(String patient, String encounter) {
        this(patient, encounter, null);
    }
}
