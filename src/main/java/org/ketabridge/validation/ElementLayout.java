package org.ketabridge.validation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeDeclaredChildDefinition;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * How {@link GateWalk} reads one class of element, worked out once per class from HAPI's
 * definitions ({@link ElementChildren}): its type's name as the shape key writes it, and its
 * children in the model's fixed order, each with its name already in the digest's bytes and a
 * direct read of its field. Per element the walk then looks up no definition, writes no name
 * char by char and builds no list (HAPI's accessors wrap every value in one, through
 * reflection): those were half of the encounter's walk. What the walk writes is unchanged.
 */
final class ElementLayout {

    /** HAPI's plain accessors of a declared field: its value, or its list, as the field holds it. */
    private static final String PLAIN_ACCESSOR = BaseRuntimeDeclaredChildDefinition.class.getName() + "$FieldPlainAccessor";
    private static final String LIST_ACCESSOR = BaseRuntimeDeclaredChildDefinition.class.getName() + "$FieldListAccessor";

    /** A primitive's extensions, which HAPI's definitions do not list as a child of the primitive. */
    static final Child PRIMITIVE_EXTENSION = new Child("extension", false, null, null);

    private final Child[] children;
    // The class's type name as the walk last met it: fhirType() is a constant per class in the model,
    // so this is set once (a racy but harmless write of an immutable value).
    private TypeName type;

    private ElementLayout(Child[] children) {
        this.children = children;
    }

    /** The layout of one class of element, from the definitions HAPI reads it by. */
    static ElementLayout of(Class<?> type, ElementChildren definitions) {
        boolean coding = Coding.class.isAssignableFrom(type);
        boolean quantity = Quantity.class.isAssignableFrom(type);
        boolean reference = Reference.class.isAssignableFrom(type);
        List<Child> children = new ArrayList<>();
        for (BaseRuntimeChildDefinition definition : definitions.of(type)) {
            String name = definition.getElementName();
            if (reference && name.equals("reference")) {
                continue; // the walk writes a reference's kind; the id it names is a value
            }
            boolean keyedHere = (coding && name.equals("display")) || (quantity && name.equals("unit"));
            children.add(new Child(name, keyedHere, fieldReader(definition), definition.getAccessor()));
        }
        return new ElementLayout(children.toArray(Child[]::new));
    }

    Child[] children() {
        return children;
    }

    /** The type's name and its bytes, for this element's {@code fhirType()}. */
    TypeName type(String fhirType) {
        TypeName known = type;
        if (known != null && known.name == fhirType) { // the same constant: identity is enough
            return known;
        }
        TypeName fresh = new TypeName(fhirType);
        type = fresh;
        return fresh;
    }

    /** A direct read of the child's field when HAPI would read it plainly; null to go through HAPI's accessor. */
    private static Field fieldReader(BaseRuntimeChildDefinition definition) {
        if (!(definition instanceof BaseRuntimeDeclaredChildDefinition declared) || declared.getField() == null) {
            return null;
        }
        String accessor = declared.getAccessor().getClass().getName();
        if (!accessor.equals(PLAIN_ACCESSOR) && !accessor.equals(LIST_ACCESSOR)) {
            return null;
        }
        Field field = declared.getField();
        boolean holdsValues = accessor.equals(PLAIN_ACCESSOR) ? Base.class.isAssignableFrom(field.getType())
                : List.class.isAssignableFrom(field.getType());
        return holdsValues && field.trySetAccessible() ? field : null; // HAPI's accessor reads it otherwise
    }

    /** A type's name as the key writes it: an opening parenthesis and the name. */
    static final class TypeName {
        final String name;
        final String text;
        final byte[] written;
        /** Whether a primitive of this type has its value in the shape. */
        final boolean keyed;

        TypeName(String name) {
            this.name = name;
            this.text = "(" + name;
            this.written = ShapeDigest.bytesOf(text);
            this.keyed = ShapeKey.KEYED_TYPES.contains(name);
        }
    }

    /** A class of element and its layout. */
    private record Found(Class<?> type, ElementLayout layout) {
    }

    /** One child of an element: its name as the key writes it, and how to read its value. */
    static final class Child {
        final String name;
        final String text;
        final byte[] written;
        /** A Coding's display or a Quantity's unit: a primitive here has its value in the shape. */
        final boolean keyedHere;
        /**
         * Whether {@link #read} answers a list (else one element or null): known here, so the walk
         * asks no {@code instanceof List} of each value (an interface test, slow when it fails).
         */
        final boolean many;
        private final Field field;
        private final BaseRuntimeChildDefinition.IAccessor accessor;
        private Found found;

        private Child(String name, boolean keyedHere, Field field, BaseRuntimeChildDefinition.IAccessor accessor) {
            this.name = name;
            this.text = " " + name + ":";
            this.written = ShapeDigest.bytesOf(text);
            this.keyedHere = keyedHere;
            this.field = field;
            this.accessor = accessor;
            this.many = field == null || List.class.isAssignableFrom(field.getType());
        }

        /**
         * The layout of a value of this child: a child's values are nearly always of one class, so
         * the last one found is tried first (a racy but harmless write of an immutable pair).
         */
        ElementLayout layout(Base value, ElementChildren definitions) {
            Found last = found;
            if (last != null && last.type == value.getClass()) {
                return last.layout;
            }
            ElementLayout layout = definitions.layout(value);
            found = new Found(value.getClass(), layout);
            return layout;
        }

        /** The child's value in the element: a list of elements when {@link #many}, else one element; or null. */
        Object read(Base element) {
            if (field == null) {
                List<IBase> values = accessor.getValues(element);
                return values.isEmpty() ? null : values;
            }
            try {
                return field.get(element);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + name + " of " + element.fhirType(), e);
            }
        }
    }
}
