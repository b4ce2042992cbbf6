package org.ketabridge.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/**
 * What a stored record becomes in FHIR R4, with its Provenance. Pure: no I/O; the same input
 * always gives the same resources (so a re-sent write is a no-op in the EHR).
 */
@Component
public class FhirMapper {

    private final ObjectMapper json;
    private final PatientMapper patients = new PatientMapper();
    private final EncounterMapper encounters;
    private final DoseMapper doses;
    private final ScoreMapper scores;
    private final RemsFormMapper remsForms = new RemsFormMapper();
    private final ProvenanceMapper provenance = new ProvenanceMapper();

    public FhirMapper(ObjectMapper json, Terminology terms) {
        this.json = json;
        this.encounters = new EncounterMapper(terms);
        this.doses = new DoseMapper(terms);
        this.scores = new ScoreMapper(terms);
    }

    public MappedRecord map(MappingInput in) {
        if (in.kind() == RecordKind.REMS_FORM) {
            // Derived by the bridge: its content is the filled form itself, not a contract record.
            return withProvenance(in, remsForms.map(in.content(), in.references(), in.receivedAt()));
        }
        JsonNode record = read(in.content());
        JsonNode warnings = in.warnings() == null ? json.createArrayNode() : read(in.warnings());
        TargetReferences refs = in.references();
        MappedRecord mapped = switch (in.kind()) {
            case PATIENT -> patients.map(in.clinic(), record);
            case ENCOUNTER -> encounters.map(in.clinic(), record, refs);
            case DOSE -> doses.map(in.clinic(), record, refs, warnings);
            case SCORE -> scores.map(in.clinic(), record, refs, in.outcome());
            case REMS_FORM -> throw new IllegalStateException("mapped above");
        };
        return withProvenance(in, mapped);
    }

    private MappedRecord withProvenance(MappingInput in, MappedRecord mapped) {
        List<MappedResource> withProvenance = new ArrayList<>(mapped.resources());
        withProvenance.add(provenance.map(in, mapped.resources()));
        return new MappedRecord(withProvenance, mapped.primary());
    }

    /**
     * The resources of this record that many records share (the clinic's Organization, the
     * series' EpisodeOfCare), as {@link #map} makes them, in write order. Only an encounter
     * brings any; the other kinds are not mapped for it.
     */
    public List<MappedResource> sharedResources(MappingInput in) {
        if (in.kind() != RecordKind.ENCOUNTER) {
            return List.of();
        }
        return encounters.map(in.clinic(), read(in.content()), in.references()).resources().stream()
                .filter(MappedResource::shared).toList();
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MappingException("stored record is not JSON");
        }
    }
}
