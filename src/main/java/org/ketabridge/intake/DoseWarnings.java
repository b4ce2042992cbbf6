package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ketabridge.db.StoredVersion;
import org.springframework.stereotype.Component;

/**
 * The safety and plausibility rules of the clinical reference that warn without rejecting:
 * ketamine at 1 mg/kg or more (anaesthetic dosing), esketamine with less than 120 minutes of
 * monitoring (REMS asks for at least 2 hours), and blood pressure above 140/90 before an
 * esketamine dose (a reason to consider delaying). The encounter, when already stored, gives
 * the monitoring time and the vital signs.
 */
@Component
public class DoseWarnings {

    static final BigDecimal ANAESTHETIC_MG_PER_KG = BigDecimal.ONE;
    static final int ESKETAMINE_MIN_MONITORING = 120;
    static final int SYSTOLIC_LIMIT = 140;
    static final int DIASTOLIC_LIMIT = 90;

    private final ObjectMapper json;

    public DoseWarnings(ObjectMapper json) {
        this.json = json;
    }

    /** The dose's warnings, with its encounter as stored (when it is). */
    public List<Warning> check(ValidatedRecord dose, Optional<StoredVersion> storedEncounter) {
        List<Warning> warnings = new ArrayList<>();
        JsonNode d = dose.content();
        String medication = d.path("medication").asText();
        if ("ketamine".equals(medication)) {
            mgPerKg(d).filter(v -> v.compareTo(ANAESTHETIC_MG_PER_KG) >= 0).ifPresent(v -> warnings.add(new Warning(
                    "doseMgPerKg", "ketamine " + v.round(new MathContext(3)).toPlainString()
                            + " mg/kg is at or above 1 mg/kg (anaesthetic dosing)")));
        }
        if ("esketamine".equals(medication)) {
            Optional<JsonNode> encounter = storedEncounter.map(this::content);
            encounter.ifPresent(e -> checkEsketamineSession(e, d, warnings));
        }
        return warnings;
    }

    /** doseMgPerKg as sent, else doseMg / weightKg when both are known. */
    private static Optional<BigDecimal> mgPerKg(JsonNode d) {
        if (d.hasNonNull("doseMgPerKg")) {
            return Optional.of(d.get("doseMgPerKg").decimalValue());
        }
        if (d.hasNonNull("doseMg") && d.hasNonNull("weightKg")) {
            return Optional.of(d.get("doseMg").decimalValue().divide(d.get("weightKg").decimalValue(), MathContext.DECIMAL64));
        }
        return Optional.empty();
    }

    private static void checkEsketamineSession(JsonNode encounter, JsonNode dose, List<Warning> warnings) {
        if (encounter.hasNonNull("monitoringMinutes") && encounter.get("monitoringMinutes").asInt() < ESKETAMINE_MIN_MONITORING) {
            warnings.add(new Warning("encounterId", "esketamine session monitored " + encounter.get("monitoringMinutes").asInt()
                    + " min, under the 120 min the REMS requires"));
        }
        OffsetDateTime start = OffsetDateTime.parse(dose.get("start").asText());
        JsonNode before = null;
        for (JsonNode set : encounter.path("vitals")) {
            OffsetDateTime at = OffsetDateTime.parse(set.get("at").asText());
            if (set.hasNonNull("systolic") && !at.isAfter(start)
                    && (before == null || at.isAfter(OffsetDateTime.parse(before.get("at").asText())))) {
                before = set;
            }
        }
        if (before != null && (before.get("systolic").asInt() > SYSTOLIC_LIMIT || before.get("diastolic").asInt() > DIASTOLIC_LIMIT)) {
            warnings.add(new Warning("start", "blood pressure before the esketamine dose was "
                    + before.get("systolic").asInt() + "/" + before.get("diastolic").asInt()
                    + " mmHg, above 140/90: consider delaying"));
        }
    }

    private JsonNode content(StoredVersion v) {
        try {
            return json.readTree(v.content());
        } catch (Exception e) {
            throw new IllegalStateException("stored encounter is not JSON", e);
        }
    }
}
