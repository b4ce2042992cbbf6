package org.ketabridge.mapping.rems;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Type;

/**
 * What the filler found for one item of the form: its answers, or for a group its parts by
 * linkId, and, when it could not fill it (wholly or in part), why. {@code note} says more than
 * the reason's display where that helps a person (the minutes of a monitoring under 120).
 */
record ItemFill(List<Type> answers, Map<String, ItemFill> parts, UnfilledReason reason, String note) {

    static ItemFill answered(Type... answers) {
        return new ItemFill(List.of(answers), Map.of(), null, null);
    }

    static ItemFill answered(List<Type> answers) {
        return new ItemFill(List.copyOf(answers), Map.of(), null, null);
    }

    static ItemFill group(Map<String, ItemFill> parts) {
        return new ItemFill(List.of(), Map.copyOf(parts), null, null);
    }

    static ItemFill unfilled(UnfilledReason reason) {
        return new ItemFill(List.of(), Map.of(), reason, null);
    }

    static ItemFill unfilled(UnfilledReason reason, String note) {
        return new ItemFill(List.of(), Map.of(), reason, note);
    }

    /** Some answers, and a reason the item is not whole (lots known for some doses, not all). */
    static ItemFill partly(List<Type> answers, UnfilledReason reason) {
        return new ItemFill(List.copyOf(answers), Map.of(), reason, null);
    }

    boolean isFilled() {
        return reason == null && (!answers.isEmpty() || !parts.isEmpty() && parts.values().stream().allMatch(ItemFill::isFilled));
    }
}
