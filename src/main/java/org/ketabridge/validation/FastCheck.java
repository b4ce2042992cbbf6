package org.ketabridge.validation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.springframework.stereotype.Component;

/**
 * For a record of an admitted shape ({@link ShapeKey}: everything but the values is as in records
 * the full validator passed), every rule of the validator that reads a value: primitive formats
 * (with the calendar: no 30 February, no month 13, no second 60; a dateTime with a time needs an
 * offset), integer ranges, ids, codes, uris and uuids, strings (not blank, no control, format or
 * unassigned characters, no edge whitespace, not too long), Period start ≤ end as FHIRPath
 * compares them, {@code vs-1} (an Observation's effective dateTime at least to the day),
 * references (the record's own resources, {@code Type/id}, a contained {@code #id} that is there,
 * a contained resource that is referred to), identifiers of system {@code urn:ietf:rfc:3986}, and
 * the Bundle's fullUrls (the placeholders: uuids, unique).
 *
 * <p>It answers {@link Verdict#VALID} or {@link Verdict#ASK}, never "invalid": whatever is not
 * certainly valid goes to the full validator, whose errors and messages are the only ones. So
 * each rule here is narrower than the validator's (years 1900 to 2099, decimals without
 * exponent and at most 15 + 10 digits, strings up to 10,000 characters): narrower only costs a
 * full validation.
 */
@Component
public class FastCheck {

    public enum Verdict { VALID, ASK }

    static final int MAX_STRING = 10_000;

    private final ElementChildren children;

    public FastCheck(FhirContext fhir) {
        this.children = new ElementChildren(fhir);
    }

    private static final String YEAR = "(19|20)[0-9]{2}";
    private static final String OFFSET = "(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)";
    private static final String TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?";
    private static final Pattern DATE = Pattern.compile(YEAR + "(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?");
    private static final Pattern DATE_TIME = Pattern.compile(
            YEAR + "(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])(T" + TIME + OFFSET + ")?)?)?");
    private static final Pattern INSTANT = Pattern.compile(YEAR + "-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T" + TIME + OFFSET);
    private static final Pattern TIME_OF_DAY = Pattern.compile(TIME);
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]{0,14})(\\.[0-9]{1,10})?");
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,9})");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern CODE = Pattern.compile("[^\\s]+( [^\\s]+)*");
    private static final Pattern URI = Pattern.compile("[^\\s]{1,4096}");
    private static final Pattern UUID = Pattern.compile("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern OID = Pattern.compile("urn:oid:[0-2](\\.(0|[1-9][0-9]{0,8}))+");
    private static final Pattern RELATIVE = Pattern.compile("([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})");
    private static final String RFC_3986 = "urn:ietf:rfc:3986";

    /** VALID only when every resource of the record certainly passes the rules that read values. */
    public Verdict check(MappedRecord record) {
        Set<String> placeholders = new HashSet<>();
        for (MappedResource r : record.resources()) {
            if (!UUID.matcher(r.placeholder()).matches() || !placeholders.add(r.placeholder())) {
                return Verdict.ASK;
            }
        }
        for (MappedResource r : record.resources()) {
            if (!resource(r.resource(), placeholders)) {
                return Verdict.ASK;
            }
        }
        return Verdict.VALID;
    }

    private boolean resource(Resource resource, Set<String> placeholders) {
        Set<String> contained = new HashSet<>();
        Set<String> referredInside = new HashSet<>();
        if (resource instanceof DomainResource d) {
            for (Resource c : d.getContained()) {
                String id = c.getIdElement().getIdPart();
                if (id == null || !ID.matcher(id).matches() || !contained.add(id)) {
                    return false;
                }
            }
        }
        if (!element(resource, null, null, placeholders, contained, referredInside)) {
            return false;
        }
        // dom-3: a contained resource is referred to from elsewhere in its resource
        return referredInside.containsAll(contained)
                && (!(resource instanceof Observation o) || !o.hasEffectiveDateTimeType()
                        || o.getEffectiveDateTimeType().getValueAsString().length() >= 10); // vs-1: at least the day
    }

    private boolean element(Base element, Base parent, String name, Set<String> placeholders, Set<String> contained,
                            Set<String> referredInside) {
        if (element.isPrimitive() && !primitive(element.fhirType(), element.primitiveValue())) {
            return false;
        }
        if (element instanceof Period p && !ordered(p)) {
            return false;
        }
        if (element instanceof Reference r && r.hasReference() && !reference(r.getReference(), placeholders, contained, referredInside)) {
            return false;
        }
        if (element instanceof Identifier i && RFC_3986.equals(i.getSystem())
                && !(i.hasValue() && (UUID.matcher(i.getValue()).matches() || OID.matcher(i.getValue()).matches()))) {
            return false;
        }
        if (element instanceof PrimitiveType<?> primitive && (primitive.hasExtension() || primitive.hasId())) {
            return false; // an extension on a primitive, or an element id: rare, and the validator's to judge
        }
        for (BaseRuntimeChildDefinition child : children.of(element)) {
            String childName = child.getElementName();
            for (IBase v : child.getAccessor().getValues(element)) {
                // a contained resource is checked as part of its container, so its #refs resolve there
                if (ShapeKey.present((Base) v) && !element((Base) v, element, childName, placeholders, contained, referredInside)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The value's format for its type; false for a type this check does not know. */
    static boolean primitive(String type, String value) {
        if (value == null) {
            return true; // an element with extensions only: the extensions are checked on their own
        }
        return switch (type) {
            case "boolean" -> value.equals("true") || value.equals("false");
            case "integer" -> integerIn(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "positiveInt" -> integerIn(value, 1, Integer.MAX_VALUE);
            case "unsignedInt" -> integerIn(value, 0, Integer.MAX_VALUE);
            case "decimal" -> DECIMAL.matcher(value).matches();
            case "date" -> DATE.matcher(value).matches() && calendarDate(value);
            case "dateTime" -> DATE_TIME.matcher(value).matches() && calendarDate(value);
            case "instant" -> INSTANT.matcher(value).matches() && calendarDate(value);
            case "time" -> TIME_OF_DAY.matcher(value).matches();
            case "id" -> ID.matcher(value).matches();
            case "code" -> value.length() <= MAX_STRING && CODE.matcher(value).matches();
            case "uri", "url", "canonical" -> URI.matcher(value).matches()
                    && (!value.startsWith("urn:uuid:") || UUID.matcher(value).matches())
                    && (!value.startsWith("urn:oid:") || OID.matcher(value).matches());
            case "uuid" -> UUID.matcher(value).matches();
            case "oid" -> OID.matcher(value).matches();
            case "string", "markdown" -> text(value);
            default -> false;
        };
    }

    private static boolean integerIn(String value, long min, long max) {
        if (!INTEGER.matcher(value).matches()) {
            return false;
        }
        long v = Long.parseLong(value);
        return v >= min && v <= max;
    }

    /** The day exists (the patterns allow 31 for every month, 29 February in every year). */
    private static boolean calendarDate(String value) {
        if (value.length() < 10) {
            return true;
        }
        try {
            LocalDate.of(Integer.parseInt(value, 0, 4, 10), Integer.parseInt(value, 5, 7, 10), Integer.parseInt(value, 8, 10, 10));
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private static boolean text(String value) {
        if (value.isEmpty() || value.length() > MAX_STRING
                || Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1))) {
            return false;
        }
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            switch (Character.getType(c)) {
                case Character.CONTROL -> {
                    if (c != '\n' && c != '\r' && c != '\t') {
                        return false;
                    }
                }
                case Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                     Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> {
                    return false;
                }
                default -> {
                }
            }
            i += Character.charCount(c);
        }
        return true;
    }

    /**
     * per-1 (start ≤ end) as FHIRPath decides it: two values of the same precision compare; of
     * different precisions the answer may be empty, which this check leaves to the validator.
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
            return start.length() == end.length() && start.compareTo(end) <= 0; // same precision, same format
        }
        if (!secondsPrecision(start) || !secondsPrecision(end)) {
            return false;
        }
        try {
            return !OffsetDateTime.parse(start).isAfter(OffsetDateTime.parse(end));
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** A dateTime to the second, no fraction, with its offset: the form whose comparisons never come out empty. */
    private static boolean secondsPrecision(String value) {
        return value.length() >= 20 && value.charAt(19) != '.' && value.charAt(10) == 'T';
    }

    private static boolean reference(String reference, Set<String> placeholders, Set<String> contained, Set<String> referredInside) {
        if (reference.startsWith("urn:uuid:")) {
            return placeholders.contains(reference);
        }
        if (reference.startsWith("#")) {
            String id = reference.substring(1);
            referredInside.add(id);
            return contained.contains(id);
        }
        Matcher relative = RELATIVE.matcher(reference);
        return relative.matches();
    }
}
