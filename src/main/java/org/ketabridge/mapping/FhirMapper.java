package org.ketabridge.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ketabridge.config.Clinic;
import org.ketabridge.intake.RecordKind;
import org.springframework.stereotype.Component;

/** What a stored record becomes in FHIR R4. Pure: no I/O, the same input always gives the same resources. */
@Component
public class FhirMapper {

    private final ObjectMapper json;
    private final PatientMapper patients = new PatientMapper();
    private final EncounterMapper encounters;
    private final DoseMapper doses;
    private final ScoreMapper scores;

    public FhirMapper(ObjectMapper json, Terminology terms) {
        this.json = json;
        this.encounters = new EncounterMapper(terms);
        this.doses = new DoseMapper(terms);
        this.scores = new ScoreMapper(terms);
    }

    public MappedRecord map(Clinic clinic, RecordKind kind, String content, EhrReferences refs) {
        return map(clinic, kind, content, refs, null, null);
    }

    /**
     * {@code warnings}: the plausibility warnings found at intake (JSON list), carried as notes;
     * {@code outcome}: for a score, where it stands against its baseline (null when none).
     */
    public MappedRecord map(Clinic clinic, RecordKind kind, String content, EhrReferences refs, String warnings,
                            org.ketabridge.outcome.Outcome outcome) {
        JsonNode record;
        JsonNode warningList;
        try {
            record = json.readTree(content);
            warningList = warnings == null ? json.createArrayNode() : json.readTree(warnings);
        } catch (JsonProcessingException e) {
            throw new MappingException("stored record is not JSON");
        }
        return switch (kind) {
            case PATIENT -> patients.map(clinic, record);
            case ENCOUNTER -> encounters.map(clinic, record, refs);
            case DOSE -> doses.map(clinic, record, refs, warningList);
            case SCORE -> scores.map(clinic, record, refs, outcome);
        };
    }
}
