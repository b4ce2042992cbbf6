package org.ketabridge.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.record.RecordIds;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/**
 * Vital sets that arrive as rows of their own (a {@code vitals*.csv} file: encounterId,
 * patientMrn, at, measures) rather than inside their encounter. Each row's set is checked alone
 * first (a bad row is refused alone); the good rows of one encounter become one new version of
 * that encounter's latest stored record, their sets merged into its vitals (a set at the same
 * instant replaced), so sending the same rows again changes nothing. A row whose encounter is not
 * stored, or whose patient is not the encounter's, is refused: vitals never create an encounter.
 */
@Component
class VitalRows {

    static final Set<String> ROW_IDS = Set.of("encounterId", "patientMrn");
    private static final Pattern VITAL_FIELD = Pattern.compile("^vitals\\[(\\d+)\\](?:\\.(.*))?$");

    private final VitalSetValidator vitalSets = new VitalSetValidator();
    private final RecordVersions records;
    private final ObjectMapper json;

    VitalRows(RecordVersions records, ObjectMapper json) {
        this.records = records;
        this.json = json;
    }

    /**
     * The rows of one part as encounter records to check and store, and the rows refused before that.
     * {@code bases}: each merged encounter's stored version (row id) its vitals were merged into; it
     * is stored only while that is still the latest ({@link BaseVersionMoved}).
     */
    record Merged(List<InboundLine> encounters, Map<Integer, Group> groupOfLine, List<Rejection> refused,
                  Map<String, Long> bases) {
    }

    /** The rows merged into one encounter: each row's line, by the index its set took in the encounter's vitals. */
    record Group(String encounterId, List<Integer> rowLines, Map<Integer, Integer> rowLineOfSet) {
    }

    Merged merge(Clinic clinic, List<InboundLine> rows, Instant now) {
        List<Rejection> refused = new ArrayList<>();
        Map<String, List<Row>> byEncounter = new LinkedHashMap<>();
        for (InboundLine line : rows) {
            Row row = check(clinic, line, now, refused);
            if (row != null) {
                byEncounter.computeIfAbsent(row.encounterId(), id -> new ArrayList<>()).add(row);
            }
        }
        Map<String, StoredVersion> stored = records.latestOf(clinic.id(), RecordKind.ENCOUNTER.name(), byEncounter.keySet());
        List<InboundLine> encounters = new ArrayList<>();
        Map<Integer, Group> groupOfLine = new LinkedHashMap<>();
        Map<String, Long> bases = new LinkedHashMap<>();
        byEncounter.forEach((encounterId, group) -> {
            StoredVersion encounter = stored.get(encounterId);
            List<Row> kept = new ArrayList<>();
            for (Row row : group) {
                if (encounter == null) {
                    refused.add(refusal(row, "encounterId", "no encounter with this id is stored: send the encounter"
                            + " first (an encounters file is read before a vitals file of the same drop)"));
                } else if (!row.patientMrn().equals(encounter.patientMrn())) {
                    refused.add(refusal(row, "patientMrn", "is not the patient of the stored encounter"));
                } else {
                    kept.add(row);
                }
            }
            if (!kept.isEmpty()) {
                ObjectNode record = read(encounter.content());
                Group merged = mergeInto(record, encounterId, kept);
                encounters.add(InboundLine.of(kept.get(0).line(), record));
                groupOfLine.put(kept.get(0).line(), merged);
                bases.put(encounterId, encounter.id());
            }
        });
        return new Merged(encounters, groupOfLine, refused, bases);
    }

    /**
     * The errors of a refused merged encounter, row by row: an error of {@code vitals[i].field}
     * goes to the row whose set took index i (as {@code field}); an error of the encounter as a
     * whole to every row, since none of them could be stored.
     */
    List<Rejection> refusedRows(Group group, Rejection encounterRejection) {
        List<Rejection> rows = new ArrayList<>();
        for (int rowLine : group.rowLines()) {
            List<FieldError> errors = new ArrayList<>();
            for (FieldError error : encounterRejection.errors()) {
                Matcher m = VITAL_FIELD.matcher(error.field());
                if (!m.matches()) {
                    errors.add(new FieldError("(encounter) " + error.field(), error.reason()));
                } else if (group.rowLineOfSet().getOrDefault(Integer.parseInt(m.group(1)), -1) == rowLine) {
                    errors.add(new FieldError(m.group(2) == null ? "(vital set)" : m.group(2), error.reason()));
                }
            }
            if (errors.isEmpty()) {
                errors.add(new FieldError("(encounter)", "not stored: another vital row of its encounter in the same"
                        + " part of the file was refused with the encounter"));
            }
            rows.add(new Rejection(rowLine, group.encounterId(), errors));
        }
        return rows;
    }

    /**
     * Encounters as stored: the lines, and for each that took the vital sets stored with its
     * record, that version's row id (stored only while it is the latest, as {@link Merged#bases}).
     */
    record WithVitals(List<InboundLine> lines, Map<String, Long> bases) {
    }

    /** Encounters that carry no vitals of their own (their vitals come as rows) keep the vital sets stored with them. */
    WithVitals withStoredVitals(Clinic clinic, List<InboundLine> lines) {
        List<String> ids = new ArrayList<>();
        for (InboundLine line : lines) {
            JsonNode id = line.json() == null ? null : line.json().get(RecordKind.ENCOUNTER.idField());
            if (id != null && id.isTextual() && !line.json().has("vitals")) {
                ids.add(id.asText());
            }
        }
        if (ids.isEmpty()) {
            return new WithVitals(lines, Map.of());
        }
        Map<String, StoredVersion> stored = records.latestOf(clinic.id(), RecordKind.ENCOUNTER.name(), ids);
        List<InboundLine> kept = new ArrayList<>(lines.size());
        Map<String, Long> bases = new LinkedHashMap<>();
        for (InboundLine line : lines) {
            JsonNode id = line.json() == null ? null : line.json().get(RecordKind.ENCOUNTER.idField());
            StoredVersion encounter = id == null || !id.isTextual() || line.json().has("vitals") ? null : stored.get(id.asText());
            JsonNode vitals = encounter == null ? null : read(encounter.content()).get("vitals");
            if (vitals != null && line.json() instanceof ObjectNode object) {
                ObjectNode copy = object.deepCopy();
                copy.set("vitals", vitals);
                kept.add(InboundLine.of(line.line(), copy));
                bases.put(id.asText(), encounter.id());
            } else {
                kept.add(line);
            }
        }
        return new WithVitals(kept, bases);
    }

    private record Row(int line, String encounterId, String patientMrn, ObjectNode set, Instant at) {
    }

    private Row check(Clinic clinic, InboundLine line, Instant now, List<Rejection> refused) {
        if (line.json() == null || !line.json().isObject()) {
            refused.add(new Rejection(line.line(), null, List.of(new FieldError("(record)",
                    line.json() == null ? line.unreadableBecause() : "must be an object"))));
            return null;
        }
        List<FieldError> errors = new ArrayList<>();
        String encounterId = id(line.json(), "encounterId", errors);
        String patientMrn = id(line.json(), "patientMrn", errors);
        ObjectNode source = ((ObjectNode) line.json()).deepCopy();
        source.remove(ROW_IDS);
        RecordFields f = new RecordFields(source, clinic.zone(), now);
        OffsetDateTime at = vitalSets.check(f, source, null, null);
        ObjectNode set = f.normalized();
        f.errors().forEach(e -> errors.add(e.field().isEmpty() ? new FieldError("(vital set)", e.reason()) : e));
        if (!errors.isEmpty() || at == null) {
            refused.add(new Rejection(line.line(), encounterId, errors));
            return null;
        }
        return new Row(line.line(), encounterId, patientMrn, set, at.toInstant());
    }

    private static String id(JsonNode row, String field, List<FieldError> errors) {
        JsonNode n = row.get(field);
        if (n == null || !n.isTextual() || !RecordIds.isValid(n.asText())) {
            errors.add(new FieldError(field, n == null ? "required" : "must be an id: 1 to 64 characters of A-Z a-z 0-9 . _ -"));
            return null;
        }
        return n.asText();
    }

    private Group mergeInto(ObjectNode encounter, String encounterId, List<Row> rows) {
        ArrayNode vitals = encounter.get("vitals") instanceof ArrayNode stored ? stored : encounter.putArray("vitals");
        Map<Integer, Integer> rowLineOfSet = new LinkedHashMap<>();
        List<Integer> rowLines = new ArrayList<>();
        for (Row row : rows) {
            int index = indexAt(vitals, row.at());
            if (index < 0) {
                vitals.add(row.set());
                index = vitals.size() - 1;
            } else {
                vitals.set(index, row.set());
            }
            rowLineOfSet.put(index, row.line());
            rowLines.add(row.line());
        }
        return new Group(encounterId, rowLines, rowLineOfSet);
    }

    /** The index of the set taken at this instant (in any offset), or -1. */
    private static int indexAt(ArrayNode vitals, Instant at) {
        for (int i = 0; i < vitals.size(); i++) {
            JsonNode stored = vitals.get(i).get("at");
            if (stored != null && stored.isTextual() && OffsetDateTime.parse(stored.asText()).toInstant().equals(at)) {
                return i;
            }
        }
        return -1;
    }

    private static Rejection refusal(Row row, String field, String reason) {
        return new Rejection(row.line(), row.encounterId(), List.of(new FieldError(field, reason)));
    }

    private ObjectNode read(String content) {
        try {
            return (ObjectNode) json.readTree(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored record is not readable", e);
        }
    }
}
