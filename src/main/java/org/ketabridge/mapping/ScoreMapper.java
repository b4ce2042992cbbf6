package org.ketabridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;
import org.ketabridge.outcome.Outcome;

/**
 * score record → survey Observation: the total as valueInteger, the items as components (one
 * resource per score keeps a score's write atomic and its identifier single).
 */
final class ScoreMapper {

    private final Terminology terms;

    ScoreMapper(Terminology terms) {
        this.terms = terms;
    }

    MappedRecord map(Clinic clinic, JsonNode r, TargetReferences refs, Outcome outcome) {
        Identifier id = Identity.score(clinic, r.get("scoreId").asText());
        String instrument = r.get("instrument").asText();
        Observation o = new Observation();
        o.getMeta().addProfile(Codes.PROFILE_SCORE);
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
        terms.severity(instrument, r.get("total").asInt())
                .ifPresent(band -> o.addInterpretation(new CodeableConcept().addCoding(band)));
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
        List<MappedResource> resources = new ArrayList<>();
        MappedResource score = new MappedResource(o, id.getSystem(), id.getValue(), Identity.placeholder(id));
        resources.add(score);
        if (outcome != null) {
            resources.add(outcome(clinic, r, refs, outcome, score.placeholder()));
        }
        if ("PHQ-9".equals(instrument) && items != null && items.get(8).asInt() > 0) {
            resources.add(selfHarmFlag(clinic, r, refs));
        }
        return new MappedRecord(resources);
    }


    /** Where this score stands against its baseline, derived from both (derivedFrom). */
    private MappedResource outcome(Clinic clinic, JsonNode r, TargetReferences refs, Outcome outcome, String scorePlaceholder) {
        Identifier id = Identity.scoreOutcome(clinic, r.get("scoreId").asText());
        Observation o = new Observation();
        o.addIdentifier(id);
        o.setStatus(ObservationStatus.FINAL);
        o.addCategory(Codes.category("survey"));
        o.setCode(Codes.concept(List.of(), terms.local("outcome", "treatment-outcome")));
        o.setSubject(new Reference(refs.patient()));
        if (refs.encounter() != null) {
            o.setEncounter(new Reference(refs.encounter()));
        }
        o.setEffective(new DateTimeType(r.get("effective").asText()));
        o.setValue(Codes.concept(List.of(), terms.local("outcome", outcome.status().code())));
        if (outcome.percentChange() != null) {
            o.addComponent().setCode(Codes.concept(List.of(), terms.local("outcome", "percent-change")))
                    .setValue(new Quantity().setValue(BigDecimal.valueOf(outcome.percentChange()).setScale(1, RoundingMode.HALF_UP))
                            .setUnit("%").setSystem(Codes.UCUM).setCode("%"));
        }
        if (refs.baselineScore() != null) {
            o.addDerivedFrom(new Reference(refs.baselineScore()));
        }
        o.addDerivedFrom(new Reference(scorePlaceholder));
        return new MappedResource(o, id.getSystem(), id.getValue(), Identity.placeholder(id));
    }

    /** PHQ-9 item 9 above 0: thoughts of self-harm, a flag clinicians must see, sent with the score. */
    private MappedResource selfHarmFlag(Clinic clinic, JsonNode r, TargetReferences refs) {
        Identifier id = Identity.scoreFlag(clinic, r.get("scoreId").asText());
        Flag flag = new Flag();
        flag.addIdentifier(id);
        flag.setStatus(Flag.FlagStatus.ACTIVE);
        flag.addCategory(new CodeableConcept().addCoding(new Coding(Codes.FLAG_CATEGORY, "clinical", "Clinical")));
        flag.setCode(Codes.concept(List.of(), terms.local("outcome", "phq9-item9-positive")));
        flag.setSubject(new Reference(refs.patient()));
        if (refs.encounter() != null) {
            flag.setEncounter(new Reference(refs.encounter()));
        }
        flag.setPeriod(new Period().setStartElement(new DateTimeType(r.get("effective").asText())));
        return new MappedResource(flag, id.getSystem(), id.getValue(), Identity.placeholder(id));
    }
}
