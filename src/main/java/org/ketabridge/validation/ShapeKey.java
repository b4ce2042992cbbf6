package org.ketabridge.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.VersionUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.Terminology;
import org.springframework.stereotype.Component;

/**
 * The shape of a mapped record: everything the validator's verdict can depend on except the
 * values that {@link FastCheck} reads. {@link GateWalk} writes it in one fixed-order walk of the
 * record's resources through HAPI's definitions: element names and types (so a choice type is in
 * it), each element of an array in its own parentheses (so its size is), every code, system,
 * display, uri, canonical, profile, extension url, Quantity unit and boolean with its length, and
 * each reference as its kind (the record's own resource by position and type, a relative
 * {@code Type/id} by type, a contained {@code #id}). Empty elements are left out, as HAPI's JSON
 * encoder leaves them out. Strings, numbers, dates, ids and identifier values are left out too.
 * To that comes what else the verdict depends on: HAPI's version, the validator's settings and a
 * digest of the definitions the validator loads from {@code fhir-mapping/}. The key is the
 * SHA-256 of the whole.
 */
@Component
public class ShapeKey {

    /** Primitive types whose values are part of the shape: the validator checks them against definitions, not formats. */
    static final Set<String> KEYED_TYPES = Set.of("code", "uri", "url", "canonical", "oid", "uuid", "boolean");

    private final String context;
    private final byte[] contextDigest;
    private final GateWalk walk;

    public ShapeKey(FhirContext fhir, Terminology terms) {
        this.context = "hapi " + VersionUtil.getVersion() + "; validator " + ResourceValidator.SETTINGS
                + "; definitions " + definitionsDigest(fhir, terms);
        this.contextDigest = ShapeDigest.sha256(context.getBytes(StandardCharsets.UTF_8));
        this.walk = new GateWalk(new ElementChildren(fhir), this, null);
    }

    /** The key of a record's shape (Base64 of a SHA-256). */
    public String of(MappedRecord record) {
        return walk.read(record).shape();
    }

    /** The walk the key digests, as text (for the tests). */
    String walk(MappedRecord record) {
        return walk.text(record);
    }

    /** Writes what every key shares: its context, as its digest (as text when the walk is echoed). */
    void writeContext(ShapeDigest digest) {
        digest.add(contextDigest, context);
    }

    /** Whether this primitive's value is part of the shape. */
    static boolean keyed(Base value, Base parent, String name) {
        return KEYED_TYPES.contains(value.fhirType())
                || (parent instanceof Coding && "display".equals(name))
                || (parent instanceof Quantity && "unit".equals(name));
    }

    /** A reference's kind: the record's own resource (by position and type), contained, relative by type, or other. */
    static void writeReferenceKind(String reference, MappedRecord record, List<String> placeholders, ShapeDigest digest) {
        int target = placeholders.indexOf(reference);
        if (target >= 0) {
            digest.add("bundle:").add(target).add(':').add(record.resources().get(target).resourceType());
            return;
        }
        if (reference.startsWith("#")) {
            digest.add("contained");
            return;
        }
        int slash = reference.indexOf('/');
        if (slash > 0 && reference.indexOf('/', slash + 1) < 0 && reference.indexOf(':') < 0) {
            digest.add("relative:").add(slash).add(':').add(reference, 0, slash);
            return;
        }
        digest.add("other"); // FastCheck asks the validator about any reference of this kind
    }

    static String definitionsDigest(FhirContext fhir, Terminology terms) {
        var parser = fhir.newJsonParser();
        List<String> definitions = new ArrayList<>();
        terms.codeSystems().forEach(cs -> definitions.add(parser.encodeResourceToString(cs)));
        terms.structureDefinitions().forEach(sd -> definitions.add(parser.encodeResourceToString(sd)));
        terms.valueSets().forEach(vs -> definitions.add(parser.encodeResourceToString(vs)));
        terms.questionnaires().forEach(q -> definitions.add(parser.encodeResourceToString(q)));
        definitions.sort(null);
        return Base64.getEncoder().encodeToString(ShapeDigest.sha256(String.join("\n", definitions).getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] bytes) {
        return ShapeDigest.sha256(bytes);
    }

    /** For the tests: the key's context (versions, settings, definitions). */
    String context() {
        return context;
    }
}
