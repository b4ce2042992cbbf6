package org.ketabridge.validation;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.mapping.MappedRecord;
import org.springframework.stereotype.Component;

/**
 * For a record of an admitted shape ({@link ShapeKey}: everything but the values is as in records
 * the full validator passed), every rule of the validator that reads a value: primitive formats
 * ({@link PrimitiveFormats}: the calendar, the time-zone rule, integer ranges, ids, codes, uris,
 * uuids, strings), {@code per-1} (Period start ≤ end as FHIRPath compares them), {@code vs-1}
 * (an Observation's effective dateTime at least to the day), {@code ref-1} (references: the
 * record's own resources, {@code Type/id}, a contained {@code #id} that is there), {@code dom-3}
 * (a contained resource is referred to), identifiers of system {@code urn:ietf:rfc:3986}, and the
 * Bundle's fullUrls (the placeholders: uuids, unique). {@link GateWalk} applies these rules in the
 * same walk that writes the shape key; {@link ProfileSelfCheck} refuses shapes with any other.
 *
 * <p>It answers {@link Verdict#VALID} or {@link Verdict#ASK}, never "invalid": whatever is not
 * certainly valid goes to the full validator, whose errors and messages are the only ones. So
 * each rule here is narrower than the validator's: narrower only costs a full validation.
 */
@Component
public class FastCheck {

    public enum Verdict { VALID, ASK }

    static final int MAX_STRING = PrimitiveFormats.MAX_STRING;

    /** The value-reading constraints of FHIR's definitions that these rules implement (see {@link ConstraintRules}). */
    static final java.util.Set<String> IMPLEMENTED_CONSTRAINTS = java.util.Set.of("per-1", "vs-1", "ref-1", "dom-3");

    private static final String RFC_3986 = "urn:ietf:rfc:3986";

    private final GateWalk walk;

    public FastCheck(FhirContext fhir) {
        this.walk = new GateWalk(new ElementChildren(fhir), null, this);
    }

    /** VALID only when every resource of the record certainly passes the rules that read values. */
    public Verdict check(MappedRecord record) {
        return walk.read(record).valuesValid() ? Verdict.VALID : Verdict.ASK;
    }

    /** The Bundle's fullUrls: lower-case uuids, no two alike. */
    boolean placeholders(List<String> placeholders) {
        for (int i = 0; i < placeholders.size(); i++) {
            String p = placeholders.get(i);
            if (!PrimitiveFormats.uuid(p) || placeholders.lastIndexOf(p) != i) {
                return false;
            }
        }
        return true;
    }

    /** A primitive's value in its type's format; no extension or element id on it (rare, and the validator's to judge). */
    boolean primitive(PrimitiveType<?> primitive, String type, String value) {
        return PrimitiveFormats.valid(type, value) && !primitive.hasExtension() && !primitive.hasId();
    }

    /** The rules of one composite element that read its values. */
    boolean composite(Base element) {
        if (element instanceof Period p) {
            return ordered(p);
        }
        if (element instanceof Identifier i && RFC_3986.equals(i.getSystem())) {
            return i.hasValue() && (PrimitiveFormats.uuid(i.getValue()) || PrimitiveFormats.oid(i.getValue()));
        }
        return true;
    }

    /** A contained resource's id: well formed and not already taken in its container. */
    boolean containedId(String id, List<String> taken) {
        return id != null && PrimitiveFormats.id(id, 0, id.length()) && !taken.contains(id);
    }

    /**
     * ref-1: a reference to one of the record's resources, a contained one that is there, or
     * {@code Type/id}; the index of the contained resource it names, -1 for none, -2 when not valid.
     */
    int reference(String reference, List<String> placeholders, List<String> contained) {
        if (reference.startsWith("urn:uuid:")) {
            return placeholders.contains(reference) ? -1 : -2;
        }
        if (reference.startsWith("#")) {
            for (int i = 0; i < contained.size(); i++) {
                String id = contained.get(i);
                if (reference.length() == id.length() + 1 && reference.startsWith(id, 1)) {
                    return i;
                }
            }
            return -2;
        }
        return PrimitiveFormats.relativeReference(reference) ? -1 : -2;
    }

    /** vs-1: an Observation's effective dateTime is known at least to the day. */
    boolean resource(Resource resource) {
        if (resource instanceof Observation o && o.hasEffectiveDateTimeType()) {
            String effective = o.getEffectiveDateTimeType().getValueAsString();
            return effective == null || effective.length() >= 10;
        }
        return true;
    }

    /**
     * per-1 (start ≤ end) as FHIRPath decides it: two dates of the same precision compare as text;
     * two dateTimes to the second with offsets compare as instants; of different precisions the
     * answer may be empty, which this check leaves to the validator.
     */
    private static boolean ordered(Period p) {
        if (!p.hasStart() || !p.hasEnd()) {
            return true;
        }
        String start = p.getStartElement().getValueAsString();
        String end = p.getEndElement().getValueAsString();
        if (start == null || end == null) {
            return true;
        }
        if (start.length() <= 10 && end.length() <= 10) {
            return start.length() == end.length() && start.compareTo(end) <= 0;
        }
        long from = PrimitiveFormats.epochSecond(start);
        long to = PrimitiveFormats.epochSecond(end);
        return from != Long.MIN_VALUE && to != Long.MIN_VALUE && from <= to;
    }
}
