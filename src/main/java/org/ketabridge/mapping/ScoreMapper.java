package org.ketabridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;

/**
 * score record → survey Observation: the total as valueInteger, the items as components (one
 * resource per score keeps a score's write atomic and its identifier single).
 */
final class ScoreMapper {

    private final Terminology terms;

    ScoreMapper(Terminology terms) {
        this.terms = terms;
    }

    MappedRecord map(Clinic clinic, JsonNode r, EhrReferences refs) {
        Identifier id = Identity.score(clinic, r.get("scoreId").asText());
        String instrument = r.get("instrument").asText();
        Observation o = new Observation();
        o.addIdentifier(id);
        o.setStatus(ObservationStatus.FINAL);
        o.addCategory(Codes.category("survey"));
        o.setCode(Codes.concept(terms.translate(clinic, "score-code", instrument), terms.local("instrument", instrument)));
        o.setSubject(new Reference(refs.patient()));
        if (refs.encounter() != null) {
            o.setEncounter(new Reference(refs.encounter()));
        }
        o.setEffective(new DateTimeType(r.get("effective").asText()));
        o.setValue(new IntegerType(r.get("total").asInt()));
        if (r.hasNonNull("timing")) {
            o.addExtension(Codes.KB_SCORE_TIMING, new CodeType(r.get("timing").asText()));
        }
        JsonNode items = r.get("items");
        if (items != null) {
            for (int i = 0; i < items.size(); i++) {
                String item = instrument + "-item-" + (i + 1);
                o.addComponent()
                        .setCode(Codes.concept(terms.translate(clinic, "score-item", item), terms.local("instrument", item)))
                        .setValue(new IntegerType(items.get(i).asInt()));
            }
        }
        return new MappedRecord(List.of(new MappedResource(o, id.getSystem(), id.getValue(), Identity.placeholder(id))));
    }

}
