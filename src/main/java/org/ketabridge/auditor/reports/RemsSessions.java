package org.ketabridge.auditor.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.mapping.Identity;
import org.ketabridge.mapping.rems.RemsSession;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/**
 * A clinic's esketamine sessions of a period, as the REMS form needs them ({@link RemsSession}), from
 * the latest stored version of each record: an intranasal encounter with at least one esketamine dose
 * (the dose's medication says esketamine; the encounter alone cannot: ketamine is given intranasally
 * too), its doses and its vital sets. A session is in the period when the date of its start, as the
 * clinic sent it, is. Ordered by start, then encounterId.
 */
@Component
public class RemsSessions {

    static final String ESKETAMINE = "esketamine";
    static final String INTRANASAL = "intranasal";

    private final RecordVersions versions;
    private final ObjectMapper json;

    public RemsSessions(RecordVersions versions, ObjectMapper json) {
        this.versions = versions;
        this.json = json;
    }

    public List<RemsSession> of(Clinic clinic, LocalDate start, LocalDate end) {
        // A day's margin for offsets: the search is by instant received, the period by the clinic's dates.
        var since = start.minusDays(1).atStartOfDay(clinic.zone()).toInstant();
        Map<String, JsonNode> encounters = new LinkedHashMap<>();
        for (StoredVersion v : versions.latestReceivedSince(clinic.id(), RecordKind.ENCOUNTER.name(), since)) {
            JsonNode e = read(v);
            LocalDate day = OffsetDateTime.parse(e.get("start").asText()).toLocalDate();
            if (INTRANASAL.equals(e.path("modality").asText()) && !day.isBefore(start) && !day.isAfter(end)) {
                encounters.put(v.recordId(), e);
            }
        }
        return sessions(clinic, encounters);
    }

    /**
     * The esketamine sessions among these encounters, from their latest versions (what the REMS form is
     * refilled from when one of a session's records changes); an encounter not stored, or not an
     * esketamine session, is left out.
     */
    public List<RemsSession> ofEncounters(Clinic clinic, Collection<String> encounterIds) {
        Map<String, JsonNode> encounters = new LinkedHashMap<>();
        versions.latestOf(clinic.id(), RecordKind.ENCOUNTER.name(), encounterIds).forEach((id, v) -> {
            JsonNode e = read(v);
            if (INTRANASAL.equals(e.path("modality").asText())) {
                encounters.put(id, e);
            }
        });
        return sessions(clinic, encounters);
    }

    private List<RemsSession> sessions(Clinic clinic, Map<String, JsonNode> encounters) {
        if (encounters.isEmpty()) {
            return List.of();
        }
        Map<String, List<JsonNode>> doses = versions.latestOfEncounters(clinic.id(), RecordKind.DOSE.name(), encounters.keySet())
                .stream().map(this::read).collect(Collectors.groupingBy(d -> d.get("encounterId").asText()));
        List<RemsSession> sessions = new ArrayList<>();
        encounters.forEach((encounterId, e) -> {
            List<JsonNode> own = doses.getOrDefault(encounterId, List.of());
            if (own.stream().anyMatch(d -> ESKETAMINE.equals(d.path("medication").asText()))) {
                sessions.add(session(clinic, encounterId, e, own));
            }
        });
        sessions.sort(Comparator.comparing((RemsSession s) -> s.start().toInstant()).thenComparing(RemsSession::encounterId));
        return sessions;
    }

    private static RemsSession session(Clinic clinic, String encounterId, JsonNode e, List<JsonNode> doses) {
        List<RemsSession.Dose> given = doses.stream().map(d -> new RemsSession.Dose(time(d, "start"), decimal(d, "doseMg"),
                text(d, "lotNumber"), text(d, "status"))).toList();
        List<RemsSession.VitalSet> vitals = new ArrayList<>();
        e.path("vitals").forEach(v -> vitals.add(new RemsSession.VitalSet(time(v, "at"), integer(v, "systolic"), integer(v, "diastolic"))));
        return new RemsSession(encounterId,
                Identity.reference(clinic, RecordKind.PATIENT, e.get("patientMrn").asText()),
                Identity.reference(clinic, RecordKind.ENCOUNTER, encounterId),
                time(e, "start"), time(e, "end"), given, vitals,
                list(e, "concomitantMedications"), integer(e, "readyToLeaveMinutes"), list(e, "adverseEvents"));
    }

    private JsonNode read(StoredVersion v) {
        try {
            return json.readTree(v.content());
        } catch (JsonProcessingException e) {
            // Stored content was written by intake as JSON: unreadable content is a broken database, named by row only.
            throw new IllegalStateException("record_version " + v.id() + " is not JSON");
        }
    }

    private static OffsetDateTime time(JsonNode node, String field) {
        String text = text(node, field);
        return text == null ? null : OffsetDateTime.parse(text).truncatedTo(ChronoUnit.SECONDS);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.intValue();
    }

    private static BigDecimal decimal(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.decimalValue();
    }

    /** Contract 1.1's lists: absent is not recorded (null), an empty list is none. */
    private static List<String> list(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        value.forEach(v -> values.add(v.asText()));
        return values;
    }
}
