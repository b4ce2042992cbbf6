package org.ketabridge.validation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.VersionUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.Terminology;
import org.springframework.stereotype.Component;

/**
 * The shape of a mapped record: everything the validator's verdict can depend on except the
 * values that {@link FastCheck} reads. A canonical walk of the record's resources through HAPI's
 * model ({@code Base.children()}, in the model's fixed order): element paths with their array
 * sizes and types (so a choice type is in it), every code, system, display, uri, canonical,
 * profile, extension url, Quantity unit and boolean, and each reference as its kind (the record's
 * own resource by position and type, a relative {@code Type/id} by type, a contained {@code #id}).
 * Strings, numbers, dates, ids and identifier values are left out. To that come what else the
 * verdict depends on: HAPI's version, the validator's settings and a digest of the definitions
 * the validator loads from {@code fhir-mapping/}. The key is the SHA-256 of the whole.
 */
@Component
public class ShapeKey {

    /** Primitive types whose values are part of the shape: the validator checks them against definitions, not formats. */
    private static final Set<String> KEYED_TYPES = Set.of("code", "uri", "url", "canonical", "oid", "uuid", "boolean");

    /** Per thread, reused: the walk runs for every record, and its text is 5 to 20 KB. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final String context;
    private final ElementChildren children;

    public ShapeKey(FhirContext fhir, Terminology terms) {
        this.children = new ElementChildren(fhir);
        this.context = "hapi " + VersionUtil.getVersion() + "; validator " + ResourceValidator.SETTINGS
                + "; definitions " + definitionsDigest(fhir, terms);
    }

    /** The key of a record's shape (Base64 of a SHA-256). */
    public String of(MappedRecord record) {
        Scratch scratch = SCRATCH.get();
        StringBuilder walk = scratch.walk;
        walk.setLength(0);
        walk(record, walk);
        return Base64.getEncoder().encodeToString(scratch.digest(walk));
    }

    /** The walk the key digests. */
    String walk(MappedRecord record) {
        StringBuilder walk = new StringBuilder();
        walk(record, walk);
        return walk.toString();
    }

    private void walk(MappedRecord record, StringBuilder walk) {
        walk.append(context);
        List<String> placeholders = new ArrayList<>(record.resources().size());
        for (MappedResource r : record.resources()) {
            placeholders.add(r.placeholder());
        }
        for (MappedResource r : record.resources()) {
            walk.append('\n');
            element(r.resource(), null, null, walk, record, placeholders);
        }
        walk.append("\nprimary ").append(record.resources().indexOf(record.primary()));
    }

    private void element(Base element, Base parent, String name, StringBuilder walk, MappedRecord record, List<String> placeholders) {
        walk.append('(').append(element.fhirType());
        if (element.isPrimitive() && keyed(element, parent, name)) {
            walk.append('=').append(element.primitiveValue());
        }
        if (element instanceof Extension e) {
            walk.append(" url=").append(e.getUrl());
        }
        if (element instanceof Reference ref && ref.hasReference()) {
            walk.append(" ref=").append(referenceKind(ref.getReference(), record, placeholders));
        }
        if (element instanceof PrimitiveType<?> primitive && primitive.hasExtension()) {
            children("extension", primitive.getExtension(), element, walk, record, placeholders);
        }
        for (BaseRuntimeChildDefinition child : children.of(element)) {
            String childName = child.getElementName();
            if (element instanceof Reference && childName.equals("reference")) {
                continue; // its kind is above; the id it names is a value
            }
            children(childName, child.getAccessor().getValues(element), element, walk, record, placeholders);
        }
        walk.append(')');
    }

    private void children(String name, List<? extends IBase> values, Base element, StringBuilder walk, MappedRecord record,
                          List<String> placeholders) {
        int present = 0;
        for (IBase v : values) {
            if (present((Base) v)) {
                present++;
            }
        }
        if (present == 0) {
            return;
        }
        walk.append(' ').append(name).append('*').append(present);
        for (IBase v : values) {
            if (present((Base) v)) {
                element((Base) v, element, name, walk, record, placeholders);
            }
        }
    }

    /** What HAPI's JSON encoder writes (an empty element is left out); a blank primitive counts, for FastCheck to refuse. */
    static boolean present(Base value) {
        return value != null && (!value.isEmpty() || (value.isPrimitive() && value.primitiveValue() != null));
    }

    private static boolean keyed(Base value, Base parent, String name) {
        return KEYED_TYPES.contains(value.fhirType())
                || (parent instanceof Coding && "display".equals(name))
                || (parent instanceof Quantity && "unit".equals(name));
    }

    private static String referenceKind(String reference, MappedRecord record, List<String> placeholders) {
        int target = placeholders.indexOf(reference);
        if (target >= 0) {
            return "bundle:" + target + ":" + record.resources().get(target).resourceType();
        }
        if (reference.startsWith("#")) {
            return "contained";
        }
        int slash = reference.indexOf('/');
        if (slash > 0 && reference.indexOf('/', slash + 1) < 0 && !reference.contains(":")) {
            return "relative:" + reference.substring(0, slash);
        }
        return "other"; // FastCheck asks the validator about any reference of this kind
    }

    static String definitionsDigest(FhirContext fhir, Terminology terms) {
        var parser = fhir.newJsonParser();
        List<String> definitions = new ArrayList<>();
        terms.codeSystems().forEach(cs -> definitions.add(parser.encodeResourceToString(cs)));
        terms.structureDefinitions().forEach(sd -> definitions.add(parser.encodeResourceToString(sd)));
        terms.valueSets().forEach(vs -> definitions.add(parser.encodeResourceToString(vs)));
        terms.questionnaires().forEach(q -> definitions.add(parser.encodeResourceToString(q)));
        definitions.sort(null);
        return Base64.getEncoder().encodeToString(sha256(String.join("\n", definitions).getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A thread's buffers: the walk's text, its UTF-16 units as bytes, and a SHA-256. */
    private static final class Scratch {
        final StringBuilder walk = new StringBuilder(16_384);
        private final byte[] bytes = new byte[8192];
        private final MessageDigest sha256;

        Scratch() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** SHA-256 of the text: ASCII as one byte, any other char as a marker and its two bytes (so distinct texts stay distinct). */
        byte[] digest(CharSequence text) {
            int n = 0;
            for (int i = 0; i < text.length(); i++) {
                if (n > bytes.length - 3) {
                    sha256.update(bytes, 0, n);
                    n = 0;
                }
                char c = text.charAt(i);
                if (c < 0x80) {
                    bytes[n++] = (byte) c;
                } else {
                    bytes[n++] = (byte) 0xFF;
                    bytes[n++] = (byte) (c >> 8);
                    bytes[n++] = (byte) c;
                }
            }
            sha256.update(bytes, 0, n);
            return sha256.digest();
        }
    }

    /** For the tests: the key's context (versions, settings, definitions). */
    String context() {
        return context;
    }
}
