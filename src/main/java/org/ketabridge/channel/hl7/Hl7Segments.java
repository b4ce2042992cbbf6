package org.ketabridge.channel.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed message as the list of its segments in order, each with its sequence among the segments
 * of its name (ERR-2's segment sequence), and values read by position: segment, field, repetition,
 * component. Reading by position rather than through HAPI's typed groups keeps one reader for every
 * version from 2.3 to 2.5.1 and for a segment HAPI placed outside its group.
 */
final class Hl7Segments {

    private final List<Located> segments = new ArrayList<>();

    /** A segment with its location (field 0: the segment itself). */
    record Located(Segment segment, Hl7Location at) {

        /** A segment the message does not carry: every value absent, located by name only. */
        static Located absent(String name) {
            return new Located(null, new Hl7Location(name, 0, 0, 0, 0));
        }

        String name() {
            return at.segment();
        }

        Hl7Location field(int field) {
            return new Hl7Location(at.segment(), at.sequence(), field, 1, 0);
        }

        /** The text of a field's repetition (1-based) and component (1-based; a composite's first primitive for 1). */
        String value(int field, int repetition, int component) {
            if (segment == null) {
                return null;
            }
            try {
                Type[] reps = segment.getField(field);
                return repetition <= reps.length ? text(reps[repetition - 1], component) : null;
            } catch (HL7Exception | RuntimeException e) {
                return null; // a field the segment does not have: absent, like an empty one
            }
        }

        String value(int field, int component) {
            return value(field, 1, component);
        }

        int repetitions(int field) {
            if (segment == null) {
                return 0;
            }
            try {
                return segment.getField(field).length;
            } catch (HL7Exception | RuntimeException e) {
                return 0;
            }
        }
    }

    Hl7Segments(Message message) throws HL7Exception {
        walk(message, new HashMap<>());
    }

    List<Located> all() {
        return segments;
    }

    private void walk(Group group, Map<String, Integer> counts) throws HL7Exception {
        for (String name : group.getNames()) {
            for (Structure structure : group.getAll(name)) {
                if (structure instanceof Segment segment) {
                    if (!segment.isEmpty()) {
                        int sequence = counts.merge(segment.getName(), 1, Integer::sum);
                        segments.add(new Located(segment, new Hl7Location(segment.getName(), sequence, 0, 0, 0)));
                    }
                } else if (structure instanceof Group inner) {
                    walk(inner, counts);
                }
            }
        }
    }

    private static String text(Type type, int component) {
        Type t = type instanceof Varies varies ? varies.getData() : type;
        String value;
        if (t instanceof Composite composite) {
            Type[] components = composite.getComponents();
            value = component <= components.length ? text(components[component - 1], 1) : null;
        } else if (t instanceof Primitive primitive) {
            if (component <= 1) {
                value = primitive.getValue();
            } else {
                // Components sent where the model has a primitive land in its extra components.
                var extra = primitive.getExtraComponents();
                value = component - 2 < extra.numComponents() ? text(extra.getComponent(component - 2).getData(), 1) : null;
            }
        } else {
            value = null;
        }
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }
}
