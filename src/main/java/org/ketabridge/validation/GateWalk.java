package org.ketabridge.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;

/**
 * One walk over a record's resources serving the gate twice: it writes the shape key
 * ({@link ShapeKey}'s rules, into a per-thread {@link ShapeDigest}) and applies the value rules
 * ({@link FastCheck}'s) to every element on the way. Either half may be absent (the key alone,
 * or the values alone). Per-thread buffers: the walk allocates next to nothing per record.
 */
final class GateWalk {

    /** What one walk found: the shape's key (null without a key) and whether every value is certainly valid. */
    record Reading(String shape, boolean valuesValid) {
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(ShapeDigest.hashing()));

    private final ElementChildren children;
    private final ShapeKey shape;
    private final FastCheck values;

    GateWalk(ElementChildren children, ShapeKey shape, FastCheck values) {
        this.children = children;
        this.shape = shape;
        this.values = values;
    }

    Reading read(MappedRecord record) {
        return read(record, SCRATCH.get());
    }

    /** The walk as text, for the tests. */
    String text(MappedRecord record) {
        return read(record, new Scratch(ShapeDigest.echoing())).shape();
    }

    private Reading read(MappedRecord record, Scratch s) {
        s.begin(record, values != null);
        if (shape != null) {
            shape.writeContext(s.digest);
        }
        List<MappedResource> resources = record.resources();
        for (MappedResource r : resources) {
            s.placeholders.add(r.placeholder());
        }
        if (s.checking && !values.placeholders(s.placeholders)) {
            s.checking = false;
        }
        for (MappedResource r : resources) {
            if (shape != null) {
                s.digest.add('\n');
            }
            resource(r.resource(), s);
        }
        String key = null;
        if (shape != null) {
            key = s.digest.add("\nprimary ").add(resources.indexOf(record.primary())).finish();
        }
        return new Reading(key, values != null && s.checking);
    }

    private void resource(Resource resource, Scratch s) {
        s.contained.clear();
        if (s.checking && resource instanceof DomainResource d) {
            for (Resource c : d.getContained()) {
                String id = c.getIdElement().getIdPart();
                if (!values.containedId(id, s.contained)) {
                    s.checking = false;
                    break;
                }
                s.contained.add(id);
            }
            s.referred(s.contained.size());
        }
        element(resource, null, s);
        if (s.checking) {
            // dom-3: every contained resource is referred to from elsewhere in its resource
            for (int i = 0; i < s.contained.size(); i++) {
                if (!s.referred[i]) {
                    s.checking = false;
                }
            }
            s.checking = s.checking && values.resource(resource);
        }
    }

    /**
     * Writes the element and checks its values; false (and nothing written) when it is empty, as
     * the JSON encoder leaves it out. {@code place}: the child of its parent it is (null for a resource).
     */
    private boolean element(Base element, ElementLayout.Child place, Scratch s) {
        ShapeDigest d = s.digest;
        int mark = d.mark();
        ElementLayout layout = place != null ? place.layout(element, children) : children.layout(element);
        ElementLayout.TypeName type = layout.type(element.fhirType());
        d.add(type.written, type.text);
        boolean present = false;
        if (element instanceof PrimitiveType<?> primitive) {
            String value = primitive.getValueAsString();
            if (value != null) {
                present = true;
                if (shape != null && (type.keyed || (place != null && place.keyedHere))) {
                    d.add('=').value(value);
                }
            }
            if (s.checking && !values.primitive(primitive, type.name, value)) {
                s.checking = false;
            }
            if (primitive.hasExtension()) {
                present |= children(ElementLayout.PRIMITIVE_EXTENSION, primitive.getExtension(), s);
            }
        }
        if (element instanceof Reference ref && hasReference(ref)) {
            present = true;
            reference(ref.getReference(), s); // the layout of a Reference leaves its reference out
        }
        for (ElementLayout.Child child : layout.children()) {
            Object value = child.read(element);
            if (value != null) {
                present |= child.many ? children(child, (List<?>) value, s) : child(child, (Base) value, s);
            }
        }
        if (s.checking && !values.composite(element)) {
            s.checking = false;
        }
        if (!present) {
            d.rollBack(mark);
            return false;
        }
        d.add(')');
        return true;
    }

    /**
     * {@link Reference#hasReference()}, without its emptiness test (a list built and walked per
     * call) when the value alone answers: a reference that does not start blank is not empty.
     */
    private static boolean hasReference(Reference ref) {
        String reference = ref.getReference();
        if (reference != null && !reference.isEmpty() && !Character.isWhitespace(reference.charAt(0))) {
            return true;
        }
        return ref.hasReference();
    }

    /** One child's values, each in its own parentheses; nothing written when none is present. */
    private boolean children(ElementLayout.Child child, List<?> list, Scratch s) {
        if (list.isEmpty()) {
            return false;
        }
        int mark = s.digest.mark();
        s.digest.add(child.written, child.text);
        boolean any = false;
        for (int i = 0, n = list.size(); i < n; i++) {
            Object v = list.get(i);
            if (v != null) {
                any |= element((Base) v, child, s);
            }
        }
        if (!any) {
            s.digest.rollBack(mark);
        }
        return any;
    }

    /** A child of one value, written as a list of one. */
    private boolean child(ElementLayout.Child child, Base value, Scratch s) {
        int mark = s.digest.mark();
        s.digest.add(child.written, child.text);
        if (!element(value, child, s)) {
            s.digest.rollBack(mark);
            return false;
        }
        return true;
    }

    private void reference(String reference, Scratch s) {
        if (reference == null) {
            // a reference element with extensions and no value: present, but nothing the fast
            // check reads; its own kind in the key, and the validator decides
            if (shape != null) {
                s.digest.add(" ref=extension-only");
            }
            s.checking = false;
            return;
        }
        if (shape != null) {
            s.digest.add(" ref=");
            ShapeKey.writeReferenceKind(reference, s.record, s.placeholders, s.digest);
        }
        if (s.checking) {
            int contained = values.reference(reference, s.placeholders, s.contained);
            if (contained == -2) {
                s.checking = false;
            } else if (contained >= 0) {
                s.referred[contained] = true;
            }
        }
    }

    /** A thread's buffers, reused record after record. */
    private static final class Scratch {
        final ShapeDigest digest;
        final List<String> placeholders = new ArrayList<>();
        final List<String> contained = new ArrayList<>();
        boolean[] referred = new boolean[8];
        MappedRecord record;
        boolean checking;

        Scratch(ShapeDigest digest) {
            this.digest = digest;
        }

        void begin(MappedRecord record, boolean checking) {
            this.record = record;
            this.checking = checking;
            digest.begin();
            placeholders.clear();
            contained.clear();
        }

        void referred(int count) {
            if (referred.length < count) {
                referred = new boolean[count];
            }
            Arrays.fill(referred, 0, count, false);
        }
    }
}
