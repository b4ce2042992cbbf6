package org.ketabridge.validation;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which of a definition's rules the shape key decides alone, and which read values. A rule is
 * structure-only when its answer is the same for every record of one shape: it tests which
 * elements exist, or compares values that are part of the shape (codes, systems, urls). Any other
 * reads values, and is safe to skip the validator for only if {@link FastCheck} implements it
 * ({@link FastCheck#IMPLEMENTED_CONSTRAINTS}).
 *
 * <p>Known constraints are listed with their exact expression: if a future HAPI or profile
 * changes an expression, the rule is no longer known and counts as value-reading (refused until
 * someone reads it). An unknown constraint is structure-only only if its expression is nothing
 * but existence tests ({@code exists()}, {@code empty()}, {@code hasValue()}, {@code not()})
 * joined by {@code and}, {@code or}, {@code xor}, {@code implies}.
 */
final class ConstraintRules {

    enum Kind { STRUCTURE_ONLY, VALUE_READING }

    /** FHIR R4's and the vital-signs profiles' structure-only constraints met in the bridge's shapes, by key and expression. */
    private static final Map<String, String> STRUCTURE_ONLY = Map.ofEntries(
            Map.entry("ele-1", "hasValue() or (children().count() > id.count())"),
            Map.entry("ext-1", "extension.exists() != value.exists()"),
            Map.entry("dom-2", "contained.contained.empty()"),
            Map.entry("dom-4", "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()"),
            Map.entry("dom-5", "contained.meta.security.empty()"),
            Map.entry("qty-3", "code.empty() or system.exists()"),
            Map.entry("drt-1", "code.exists() implies ((system = %ucum) and value.exists())"),
            Map.entry("sqty-1", "comparator.empty()"),
            Map.entry("obs-3", "low.exists() or high.exists() or text.exists()"),
            Map.entry("obs-6", "dataAbsentReason.empty() or value.empty()"),
            // codes and systems are part of the shape
            Map.entry("obs-7", "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()"),
            Map.entry("vs-2", "(component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())"),
            Map.entry("vs-3", "value.exists() or dataAbsentReason.exists()"),
            Map.entry("org-1", "(identifier.count() + name.count()) > 0"),
            Map.entry("org-2", "where(use = 'home').empty()"), // use is a code: part of the shape
            Map.entry("org-3", "where(use = 'home').empty()")
    );

    private static final Pattern EXISTENCE_ONLY = Pattern.compile(
            "[\\s()]*(([A-Za-z][A-Za-z0-9]*\\.)*(exists|empty|hasValue|not)\\(\\)[\\s()]*((and|or|xor|implies)[\\s()]*)?)+");

    private ConstraintRules() {
    }

    static Kind classify(String key, String expression) {
        String known = STRUCTURE_ONLY.get(key);
        if (known != null) {
            return known.equals(expression) ? Kind.STRUCTURE_ONLY : Kind.VALUE_READING;
        }
        if (FastCheck.IMPLEMENTED_CONSTRAINTS.contains(key)) {
            return Kind.VALUE_READING;
        }
        return expression != null && EXISTENCE_ONLY.matcher(expression).matches() && balanced(expression)
                ? Kind.STRUCTURE_ONLY : Kind.VALUE_READING;
    }

    /** Whether the gate may skip the validator for this rule: structure-only, or value-reading and implemented. */
    static boolean covered(String key, String expression) {
        return classify(key, expression) == Kind.STRUCTURE_ONLY || FastCheck.IMPLEMENTED_CONSTRAINTS.contains(key);
    }

    /**
     * A slicing discriminator is structure-only when it sorts by existence or type, or by the value
     * of an element whose values are part of the shape (a code, system, coding or url).
     */
    static boolean discriminatorCovered(String type, String path) {
        if (type.equals("exists") || type.equals("type")) {
            return true;
        }
        if (!type.equals("value") && !type.equals("pattern")) {
            return false; // profile, position: not decided by the key here
        }
        String last = path.substring(path.lastIndexOf('.') + 1);
        return Set.of("code", "system", "coding", "url").contains(last);
    }

    /** Whether a fixed or pattern value holds only values that are part of the shape (so matching it is structure). */
    static boolean onlyKeyedValues(org.hl7.fhir.r5.model.Base value) {
        return onlyKeyed(value, null, null);
    }

    private static boolean onlyKeyed(org.hl7.fhir.r5.model.Base value, String parentType, String name) {
        if (value.isPrimitive()) {
            return ShapeKey.KEYED_TYPES.contains(value.fhirType())
                    || ("Coding".equals(parentType) && "display".equals(name))
                    || ("Quantity".equals(parentType) && "unit".equals(name));
        }
        for (org.hl7.fhir.r5.model.Property p : value.children()) {
            for (org.hl7.fhir.r5.model.Base child : p.getValues()) {
                if (child != null && !child.isEmpty() && !onlyKeyed(child, value.fhirType(), p.getName())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean balanced(String expression) {
        int depth = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }
}
