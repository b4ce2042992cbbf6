package org.ketabridge.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.StoredVersion;
import org.springframework.stereotype.Component;

/**
 * The outcome of a stored score: its patient's series for the same instrument (latest version of
 * each score, effective at or before it) judged by {@link OutcomeRules}. Scores that arrive late
 * (effective before scores already judged) count for later scores, not for those already sent.
 */
@Component
public class ScoreOutcomes {

    private final RecordVersions records;
    private final OutcomeRules rules;
    private final ObjectMapper json;

    public ScoreOutcomes(RecordVersions records, OutcomeRules rules, ObjectMapper json) {
        this.records = records;
        this.rules = rules;
        this.json = json;
    }

    /** Empty for instruments that are not outcome measures. */
    public Optional<Outcome> of(StoredVersion score) {
        JsonNode current = read(score.content());
        String instrument = current.get("instrument").asText();
        if (!OutcomeRules.tracked(instrument)) {
            return Optional.empty();
        }
        List<ScorePoint> series = new ArrayList<>();
        for (StoredVersion v : records.latestOfPatient(score.clinicId(), "SCORE", score.patientMrn())) {
            JsonNode s = v.recordId().equals(score.recordId()) ? current : read(v.content());
            if (instrument.equals(s.get("instrument").asText())) {
                series.add(point(v.recordId(), s));
            }
        }
        ScorePoint me = point(score.recordId(), current);
        if (series.stream().noneMatch(p -> p.scoreId().equals(me.scoreId()))) {
            series.add(me);
        }
        return Optional.of(rules.assess(instrument, me, series));
    }

    private static ScorePoint point(String id, JsonNode s) {
        return new ScorePoint(id, s.get("total").asInt(), OffsetDateTime.parse(s.get("effective").asText()),
                "baseline".equals(s.path("timing").asText()));
    }

    private JsonNode read(String content) {
        try {
            return json.readTree(content);
        } catch (Exception e) {
            throw new IllegalStateException("stored score is not JSON", e);
        }
    }
}
