package org.ketabridge.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.support.GoldenCases;

/** What the mapping produces validates with zero errors; a broken mapping is caught before it leaves. */
class ValidationTest {

    private static final ResourceValidator VALIDATOR = new ResourceValidator(FhirContext.forR4Cached(), termsOf());

    private static Terminology termsOf() {
        try {
            return new Terminology(FhirContext.forR4Cached(), clinics());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static org.ketabridge.config.ClinicRegistry clinics() {
        return new org.ketabridge.config.ClinicRegistry(new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(java.util.Map.of(
                        "bridge.clinics[0].id", "golden", "bridge.clinics[0].time-zone", "UTC",
                        "bridge.clinics[0].ehr.type", "none"))).bindOrCreate("bridge", org.ketabridge.config.BridgeProperties.class));
    }

    static List<String> cases() throws IOException {
        return GoldenCases.cases().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyGoldenCaseValidatesWithZeroErrors(String caseName) throws IOException {
        Bundle mapped = GoldenCases.mapToBundle(caseName);
        for (Bundle.BundleEntryComponent entry : mapped.getEntry()) {
            assertThat(VALIDATOR.errors((Resource) entry.getResource())).as(caseName + " " + entry.getResource().fhirType()).isEmpty();
        }
    }

    @Test
    void aBrokenMappingIsCaughtWithTheValidatorsMessages() throws IOException {
        Bundle mapped = GoldenCases.mapToBundle("encounter-bp-only-vital-set");
        Observation bp = mapped.getEntry().stream().map(e -> e.getResource())
                .filter(r -> r instanceof Observation).map(r -> (Observation) r).findFirst().orElseThrow();
        // A vital sign without status and with a component lacking its value: FHIR and the vital-signs profile refuse it.
        bp.setStatus(null);
        bp.getComponentFirstRep().setValue(null);
        MappedResource broken = new MappedResource(bp, "urn:test", "bp-1", "urn:uuid:00000000-0000-0000-0000-000000000001");
        assertThatThrownBy(() -> VALIDATOR.check(new MappedRecord(List.of(broken))))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("Observation bp-1 fails FHIR validation")
                .hasMessageContaining("Observation.status");
    }

    @Test
    void kbProfilesAreEnforcedNotJustClaimed() throws IOException {
        Bundle mapped = GoldenCases.mapToBundle("dose-esketamine-84mg-waste-and-witness");
        var administration = mapped.getEntry().stream().map(e -> e.getResource())
                .filter(r -> r instanceof org.hl7.fhir.r4.model.MedicationAdministration)
                .map(r -> (org.hl7.fhir.r4.model.MedicationAdministration) r).findFirst().orElseThrow();
        assertThat(VALIDATOR.errors(administration)).isEmpty();
        // Base R4 allows a MedicationAdministration without context; KetaBridge's profile does not.
        administration.setContext(null);
        assertThat(VALIDATOR.errors(administration)).anySatisfy(e -> assertThat(e).contains("MedicationAdministration.context"));
    }

    @Test
    void anExtensionNotDefinedInFhirMappingIsAnError() throws IOException {
        Bundle mapped = GoldenCases.mapToBundle("score-madrs-total-only");
        Observation score = (Observation) mapped.getEntryFirstRep().getResource();
        score.addExtension("http://example.org/fhir/StructureDefinition/made-up", new org.hl7.fhir.r4.model.StringType("x"));
        assertThat(VALIDATOR.errors(score)).anySatisfy(e -> assertThat(e).contains("made-up"));
    }

    /** Contract 1.1: the session's own Observations are held to their profile (tied to the session, over its period). */
    @Test
    void theSessionObservationProfileIsEnforced() throws IOException {
        List<Observation> session = GoldenCases.mapToBundle("encounter-esketamine-rems-fields").getEntry().stream()
                .map(e -> e.getResource()).filter(r -> r instanceof Observation).map(r -> (Observation) r)
                .filter(o -> o.getMeta().hasProfile(org.ketabridge.mapping.Codes.PROFILE_SESSION_OBSERVATION)).toList();
        assertThat(session).as("ready to leave, concomitant medications, adverse events").hasSize(3);
        Observation events = session.get(2);
        assertThat(VALIDATOR.errors(events)).isEmpty();
        events.setEncounter(null);
        events.setEffective(new org.hl7.fhir.r4.model.DateTimeType("2026-10-05T13:00:00-06:00"));
        events.getComponentFirstRep().setValue(new org.hl7.fhir.r4.model.BooleanType(true));
        assertThat(VALIDATOR.errors(events))
                .anySatisfy(e -> assertThat(e).contains("Observation.encounter"))
                .anySatisfy(e -> assertThat(e).contains("effective"))
                .anySatisfy(e -> assertThat(e).contains("component"));
    }
}
