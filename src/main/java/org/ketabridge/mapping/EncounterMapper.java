package org.ketabridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Encounter.EncounterStatus;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;

/**
 * encounter record → Encounter, one vital-signs Observation per measure of each vital set, and the
 * session's own Observations (contract 1.1: {@link SessionObservationsMapper}).
 */
final class EncounterMapper {

    private final Terminology terms;
    private final VitalSignsMapper vitals;
    private final SessionObservationsMapper sessionObservations;

    EncounterMapper(Terminology terms) {
        this.terms = terms;
        this.vitals = new VitalSignsMapper(terms);
        this.sessionObservations = new SessionObservationsMapper(terms);
    }

    MappedRecord map(Clinic clinic, JsonNode r, TargetReferences refs) {
        String encounterId = r.get("encounterId").asText();
        Identifier id = Identity.encounter(clinic, encounterId);
        Encounter e = new Encounter();
        e.getMeta().addProfile(Codes.PROFILE_ENCOUNTER);
        e.addIdentifier(id);
        e.setStatus(EncounterStatus.fromCode(r.get("status").asText()));
        e.setClass_(new Coding(Codes.ACT_CODE, "AMB", "ambulatory"));
        String modality = r.get("modality").asText();
        e.addType(Codes.concept(terms.translate(clinic, "modality", modality), terms.local("modality", modality)));
        e.setSubject(new Reference(refs.patient()));
        Period period = new Period().setStartElement(new DateTimeType(r.get("start").asText()));
        if (r.hasNonNull("end")) {
            period.setEndElement(new DateTimeType(r.get("end").asText()));
        }
        e.setPeriod(period);
        if (r.hasNonNull("indication")) {
            String indication = r.get("indication").asText();
            e.addReasonCode(Codes.concept(terms.translate(clinic, "indication", indication),
                    terms.local("indication", indication)));
        }
        if (r.hasNonNull("practitionerNpi")) {
            e.addParticipant().setIndividual(new Reference().setIdentifier(
                    new Identifier().setSystem(Codes.NPI).setValue(r.get("practitionerNpi").asText())));
        }
        if (r.hasNonNull("location")) {
            e.addLocation().setLocation(new Reference().setDisplay(r.get("location").asText()));
        }
        if (r.hasNonNull("sessionNumber")) {
            e.addExtension(Codes.KB_SESSION_NUMBER, new IntegerType(r.get("sessionNumber").asInt()));
        }
        if (r.hasNonNull("monitoringMinutes")) {
            // Observed time after the last dose: not the encounter's length, so an extension of its own.
            Duration minutes = new Duration();
            Coding unit = terms.unit(clinic, "monitoringMinutes");
            minutes.setValue(r.get("monitoringMinutes").asInt()).setUnit(unit.getDisplay()).setSystem(unit.getSystem())
                    .setCode(unit.getCode());
            e.addExtension(Codes.KB_MONITORING_MINUTES, minutes);
        }
        List<MappedResource> resources = new ArrayList<>();
        // What the Encounter refers to goes first: the clinic, and the treatment course.
        MappedResource clinicOrg = ClinicResources.organization(clinic);
        resources.add(clinicOrg);
        e.setServiceProvider(new Reference(clinicOrg.placeholder()));
        if (r.hasNonNull("seriesId")) {
            MappedResource series = ClinicResources.series(clinic, r.get("seriesId").asText(), refs.patient(), clinicOrg.placeholder());
            resources.add(series);
            e.addEpisodeOfCare(new Reference(series.placeholder()));
        }
        String placeholder = Identity.placeholder(id);
        MappedResource encounter = new MappedResource(e, id.getSystem(), id.getValue(), placeholder);
        resources.add(encounter);
        JsonNode sets = r.get("vitals");
        if (sets != null) {
            for (JsonNode set : sets) {
                OffsetDateTime at = OffsetDateTime.parse(set.get("at").asText());
                resources.addAll(vitals.map(clinic, encounterId, at, set, refs.patient(), placeholder));
            }
        }
        resources.addAll(sessionObservations.map(clinic, r, refs.patient(), placeholder));
        return new MappedRecord(resources, encounter);
    }

}
