package org.ketabridge.mapping;

import java.util.function.Function;
import org.ketabridge.record.RecordReferences;

/**
 * The resources a record refers to, as the target knows them (the EHR: {@code Patient/123}; the
 * auditors' store: {@code Patient/kb-...}): its patient, its encounter (null when it has none),
 * and for a score the baseline score its outcome is measured against (null when it has no
 * outcome, or is its own baseline).
 */
public record TargetReferences(String patient, String encounter, String baselineScore) {

    public TargetReferences(String patient, String encounter) {
        this(patient, encounter, null);
    }

    /** What {@link RecordReferences} names, each record turned into the target's reference by {@code resolve}. */
    public static TargetReferences of(RecordReferences refers, Function<RecordReferences.Ref, String> resolve) {
        return new TargetReferences(resolve(refers.patient(), resolve), resolve(refers.encounter(), resolve),
                resolve(refers.baselineScore(), resolve));
    }

    private static String resolve(RecordReferences.Ref ref, Function<RecordReferences.Ref, String> resolve) {
        return ref == null ? null : resolve.apply(ref);
    }
}
