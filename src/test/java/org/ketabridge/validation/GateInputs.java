package org.ketabridge.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.support.GoldenCases;

/**
 * Inputs for the validation gate's proofs, seeded: records of a golden case's kind generated
 * over its optional fields and value ranges (mapped by the real mapper), and mappings of them
 * with one value broken on purpose (adversarial values for each FHIR type, periods, references,
 * placeholders) but the same structure.
 */
final class GateInputs {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields a record cannot do without (its identity), or whose value is a code of the contract. */
    private static final Set<String> KEPT = Set.of("encounterId", "doseId", "scoreId", "mrn", "patientMrn", "status", "medication",
            "route", "modality", "indication", "instrument", "timing", "statusReason", "sex", "items");
    private static final Set<String> FREE_TEXT = Set.of("location", "lotNumber", "givenName", "familyName", "seriesId");

    private final Random random;
    private boolean dropOptional;

    GateInputs(long seed) {
        this.random = new Random(seed);
    }

    /** A record of the case's kind: optional fields dropped at random, values drawn from their ranges; null if the mapper refuses it. */
    MappedRecord generated(String caseName) {
        return generated(caseName, true);
    }

    /** As above; without dropping fields, a record of the golden case's own shape but other values (most often). */
    MappedRecord generated(String caseName, boolean dropOptional) {
        this.dropOptional = dropOptional;
        try {
            ObjectNode record = (ObjectNode) JSON.readTree(Files.readString(GoldenCases.GOLDEN.resolve(caseName).resolve("record.json")));
            vary(record);
            return copy(GoldenCases.map(caseName, record.toString()));
        } catch (Exception | AssertionError e) {
            return null; // a combination the contract's validators would have refused before mapping
        }
    }

    private void vary(ObjectNode node) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        List<String> drop = new ArrayList<>();
        Map<String, JsonNode> set = new java.util.LinkedHashMap<>();
        while (fields.hasNext()) {
            var field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (dropOptional && !KEPT.contains(name) && random.nextInt(5) == 0) {
                drop.add(name);
            } else if (value.isObject()) {
                vary((ObjectNode) value);
            } else if (value.isArray()) {
                value.forEach(v -> {
                    if (v.isObject()) {
                        vary((ObjectNode) v);
                    }
                });
            } else if (value.isInt()) {
                set.put(name, JSON.getNodeFactory().numberNode(Math.max(1, (int) Math.round(value.asInt() * (0.5 + random.nextDouble())))));
            } else if (value.isNumber()) {
                set.put(name, JSON.getNodeFactory().numberNode(Math.round(value.asDouble() * (0.5 + random.nextDouble()) * 100) / 100.0));
            } else if (value.isTextual() && value.asText().matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
                OffsetDateTime t = OffsetDateTime.parse(value.asText()).plusMinutes(random.nextInt(60 * 24 * 400) - 60 * 24 * 200);
                set.put(name, JSON.getNodeFactory().textNode(t.toString()));
            } else if (value.isTextual() && FREE_TEXT.contains(name)) {
                set.put(name, JSON.getNodeFactory().textNode(pick(List.of("Chair 7", "Ré-7", "Room B", "X", "lot 42-a", "Zoë O'Brien",
                        "a".repeat(1 + random.nextInt(200))))));
            }
        }
        drop.forEach(node::remove);
        set.forEach(node::set);
    }

    /** One mutation of a mapped record's values (the record itself is mapped again, so mutations never share objects). */
    List<Consumer<MappedRecord>> mutations(MappedRecord sample) {
        List<Consumer<MappedRecord>> mutations = new ArrayList<>();
        List<Target> targets = targets(sample);
        for (int t = 0; t < targets.size(); t++) {
            int index = t;
            String type = targets.get(t).type();
            for (String value : adversarial(type)) {
                mutations.add(record -> {
                    PrimitiveType<?> target = targets(record).get(index).value();
                    try {
                        target.setValueAsString(value);
                    } catch (RuntimeException e) {
                        // HAPI cannot hold this value, so the mapper cannot produce it either
                    }
                });
            }
        }
        int periods = periods(sample).size();
        for (int p = 0; p < periods; p++) {
            int index = p;
            for (String[] pair : PERIODS) {
                mutations.add(record -> {
                    Period period = periods(record).get(index);
                    try {
                        period.getStartElement().setValueAsString(pair[0]);
                        period.getEndElement().setValueAsString(pair[1]);
                    } catch (RuntimeException e) {
                        // as above
                    }
                });
            }
        }
        int references = references(sample).size();
        for (int r = 0; r < references; r++) {
            int index = r;
            for (String value : List.of("#missing", "Patient/", "Patient/a_b", "Patient/" + "p".repeat(65), "Patient/p2",
                    "urn:uuid:not-a-uuid", "urn:uuid:00000000-0000-0000-0000-000000000000", "Encounter/e1/_history/2")) {
                mutations.add(record -> {
                    Reference ref = references(record).get(index);
                    if (ref.getReference().startsWith("Patient") || value.startsWith("#") || value.startsWith("urn")) {
                        ref.setReference(value);
                    }
                });
            }
        }
        for (Resource c : contained(sample)) {
            String id = c.getIdElement().getIdPart();
            mutations.add(record -> contained(record).forEach(r -> r.setId(id + "2"))); // its #ref now dangles
        }
        return mutations;
    }

    /** The record with its placeholders changed: a duplicate fullUrl, or one that is no uuid. */
    static List<MappedRecord> placeholderMutations(MappedRecord record) {
        List<MappedRecord> out = new ArrayList<>();
        List<MappedResource> rs = record.resources();
        if (rs.size() > 1) {
            List<MappedResource> dup = new ArrayList<>(rs);
            MappedResource last = dup.remove(dup.size() - 1);
            dup.add(new MappedResource(last.resource(), last.identifierSystem(), last.identifierValue(), rs.get(0).placeholder(), last.shared()));
            out.add(new MappedRecord(dup, dup.get(rs.indexOf(record.primary()))));
        }
        List<MappedResource> upper = new ArrayList<>();
        for (MappedResource r : rs) {
            upper.add(new MappedResource(r.resource(), r.identifierSystem(), r.identifierValue(), r.placeholder().toUpperCase(), r.shared()));
        }
        out.add(new MappedRecord(upper, upper.get(rs.indexOf(record.primary()))));
        return out;
    }

    /**
     * Changes of structure, each of which must change the shape key: a code, a display, a coding
     * added, a reference's kind, a profile claimed, a Quantity's unit, an identifier's system, an
     * element removed, an extension added. Each does nothing to a record without such an element.
     */
    static List<Consumer<MappedRecord>> structuralMutations() {
        return List.of(
                record -> first(record, Coding.class).ifPresent(c -> c.setCode(c.getCode() + "-x")),
                record -> first(record, Coding.class).ifPresent(c -> c.setDisplay(c.getDisplay() + " x")),
                record -> first(record, CodeableConcept.class).ifPresent(c -> c.addCoding(new Coding("http://snomed.info/sct", "1", null))),
                record -> references(record).stream().filter(r -> !r.getReference().startsWith("urn:")).findFirst()
                        .ifPresent(r -> r.setReference(record.resources().get(0).placeholder())),
                record -> record.primary().resource().getMeta().addProfile("http://example.org/fhir/StructureDefinition/other"),
                record -> first(record, Quantity.class).ifPresent(q -> q.setUnit(q.getUnit() + "x")),
                record -> first(record, Identifier.class).ifPresent(i -> i.setSystem(i.getSystem() + "x")),
                record -> periods(record).stream().filter(Period::hasEnd).findFirst().ifPresent(p -> p.setEndElement(null)),
                record -> {
                    if (record.primary().resource() instanceof DomainResource d) {
                        d.addExtension("http://example.org/fhir/StructureDefinition/x", new StringType("x"));
                    }
                });
    }

    private static <T extends Base> java.util.Optional<T> first(MappedRecord record, Class<T> type) {
        List<T> found = new ArrayList<>();
        record.resources().forEach(r -> walk(r.resource(), null, null, (parent, name, v) -> {
            if (type.isInstance(v)) {
                found.add(type.cast(v));
            }
        }));
        return found.stream().findFirst();
    }

    /** Whether two records encode to the same JSON (a mutation that found nothing to change). */
    static boolean sameJson(MappedRecord a, MappedRecord b) {
        var parser = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser();
        if (a.resources().size() != b.resources().size()) {
            return false;
        }
        for (int i = 0; i < a.resources().size(); i++) {
            if (!parser.encodeResourceToString(a.resources().get(i).resource())
                    .equals(parser.encodeResourceToString(b.resources().get(i).resource()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A deep copy to mutate: the mapper may hand out objects it keeps (a clinic's Organization), so a
     * mutation on the mapping itself would leak into the next.
     */
    static MappedRecord copy(MappedRecord record) {
        List<MappedResource> copies = new ArrayList<>();
        for (MappedResource r : record.resources()) {
            copies.add(new MappedResource(r.resource().copy(), r.identifierSystem(), r.identifierValue(), r.placeholder(), r.shared()));
        }
        return new MappedRecord(copies, copies.get(record.resources().indexOf(record.primary())));
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    static final String[][] PERIODS = {
            {"2026-10-05", "2026-10-05T09:00:00-06:00"}, // same day, mixed precision
            {"2026-10-05T09:00:00-06:00", "2026-10-05"},
            {"2026-10-05T09:00:00-06:00", "2026-10-05T14:30:00Z"}, // start after end across zones
            {"2026-10-05T09:00:00+05:00", "2026-10-05T04:00:00Z"}, // equal instants
            {"2026-10-05T09:00:00-06:00", "2026-10-05T15:00:01Z"},
            {"2026-10-05T09:00:00.500-06:00", "2026-10-05T09:00:00-06:00"},
            {"2026-10-05T09:00-06:00", "2026-10-05T10:00:00-06:00"},
            {"2026-10", "2026-09"},
            {"2026", "2026-01-01"},
            {"2026-10-06", "2026-10-05"},
            {"2026-10-05T10:00:00-06:00", "2026-10-05T09:00:00-06:00"},
            {"2026-10-05T23:30:00-06:00", "2026-10-06T05:00:00Z"}, // across midnight and zones, start after end
            {"2026-12-31T23:00:00-02:00", "2027-01-01T00:59:59Z"}, // across the year, start after end by a second
            {"2026-12-31T23:00:00-02:00", "2027-01-01T01:00:00Z"}, // equal instants across the year
            {"2028-02-29T23:00:00-05:00", "2028-03-01T04:00:00Z"}, // a leap day, equal instants
            {"2026-10-05T09:00:00Z", "2026-10-05T09:00:00.000Z"}, // equal, one with a fraction
            {"2026-10-05T09:00:00+14:00", "2026-10-04T19:00:00Z"}, // the widest offset, equal instants
            {"2026-10-05T09:00:00-00:00", "2026-10-05T09:00:00+00:00"},
            {"2026-10-05", "2026-10-05"},
            {"2026-10", "2026-10-05"},
    };

    private static List<String> adversarial(String type) {
        return switch (type) {
            case "dateTime", "date", "instant" -> List.of("2026-02-29", "2028-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                    "2026-10-05T09:00:60-06:00", "2026-10-05T09:00:00", "2026-10-05T09:00:00+14:30", "2026-10-05T09:00:00+14:00",
                    "2026-10-05T24:00:00Z", "2026", "2026-10", "1899-12-31", "0001-01-01", "2026-10-05T09:00:00.123456789+05:45",
                    "2026-10-05T09:00Z", "2028-02-29T23:59:59-12:00", "2026-10-05T09:00:00.5Z", "2026-10-05T09:00:00-06", "10/05/2026",
                    "2100-02-29", "2000-02-29", "1900-02-29", "1900-01-01T00:00:00Z", "2099-12-31T23:59:59+13:59",
                    "2026-10-05T09:00:00.1234567890Z", "2026-10-05T09:00:00.Z", "2026-10-05T09:00:00-14:00", "2026-10-05T09:00:00+13:60",
                    "2026-10-05T09:00:00-00:00", "2026-10-05T9:00:00Z", "2026-10-05 09:00:00Z", "2026-10-05T09:00:00z",
                    "2026-10-05T09:00:00+0600", "+2026-10-05", "2026-1-05", "2026-10-5", "٢٠٢٦-10-05", "2026-10-05T");
            case "decimal" -> List.of("1e400", "1E+2", "-0", "0.0000000001", "123456789012345678901234567890", "-5", "2147483648",
                    "00.5", ".5", "5.", "0.1234567890123", "99999.99", "NaN", "1,5", "-0.0", "+5", "0x10", " 5", "5 ", "1e-400",
                    "999999999999999.9999999999", "9999999999999999", "-", "", "Infinity", "٣");
            case "integer", "positiveInt", "unsignedInt" -> List.of("2147483648", "2147483647", "-2147483649", "-2147483648", "0", "-1",
                    "1", "007", "1.0", "-0", "+1", "1e3", "", "99999999999", "٣");
            case "id" -> List.of("a".repeat(64), "a".repeat(65), "a_b", "kb-" + "0".repeat(32), "A.b-9", "é", "", "a b", "a/b", "-", ".");
            default -> List.of("", " ", " lead", "trail ", "x".repeat(10_001), "x".repeat(1 << 20), "a\u0000b", "a\u001Fb", "a\u202Eb",
                    "a\u200Bb", "Zoë", "line\nbreak", "tab\tx", "a\uD800b", "\uD83D\uDE00", "double  space", "<b>x</b>", "a\u2028b",
                    "\uFEFFbom", "\u00A0nbsp", "nbsp\u00A0", "a\u0085b", "a\u007Fb", "a\u061Cb", "a\u2066b", "\uDBFF\uDFFF", "a\uE000b",
                    "x".repeat(10_000), "\r\n", "a\r\nb", "&lt;", "${x}");
        };
    }

    record Target(String type, PrimitiveType<?> value) {
    }

    /** The record's values that are no part of its shape, in walk order. */
    static List<Target> targets(MappedRecord record) {
        List<Target> out = new ArrayList<>();
        for (MappedResource r : record.resources()) {
            walk(r.resource(), null, null, (parent, name, v) -> {
                if (v instanceof PrimitiveType<?> p && !(parent instanceof Reference && name.equals("reference"))
                        && !(parent instanceof Coding && name.equals("display")) && !(parent instanceof Quantity && name.equals("unit"))
                        && Set.of("string", "markdown", "dateTime", "date", "instant", "decimal", "integer", "positiveInt",
                        "unsignedInt", "id").contains(p.fhirType())) {
                    out.add(new Target(p.fhirType(), p));
                }
            });
        }
        return out;
    }

    static List<Period> periods(MappedRecord record) {
        List<Period> out = new ArrayList<>();
        record.resources().forEach(r -> walk(r.resource(), null, null, (parent, name, v) -> {
            if (v instanceof Period p) {
                out.add(p);
            }
        }));
        return out;
    }

    static List<Reference> references(MappedRecord record) {
        List<Reference> out = new ArrayList<>();
        record.resources().forEach(r -> walk(r.resource(), null, null, (parent, name, v) -> {
            if (v instanceof Reference ref && ref.hasReference()) {
                out.add(ref);
            }
        }));
        return out;
    }

    static List<Resource> contained(MappedRecord record) {
        List<Resource> out = new ArrayList<>();
        record.resources().forEach(r -> {
            if (r.resource() instanceof DomainResource d) {
                out.addAll(d.getContained());
            }
        });
        return out;
    }

    interface Visit {
        void on(Base parent, String name, Base value);
    }

    static void walk(Base element, Base parent, String name, Visit visit) {
        visit.on(parent, name, element);
        for (Property p : element.children()) {
            for (Base v : p.getValues()) {
                if (v != null && !v.isEmpty()) {
                    walk(v, element, p.getName(), visit);
                }
            }
        }
    }
}
