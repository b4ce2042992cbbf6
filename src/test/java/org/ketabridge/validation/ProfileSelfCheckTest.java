package org.ketabridge.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.mapping.RemsFormMapper;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.support.GoldenCases;

/**
 * The self-check: every golden case's shape uses only rules the gate covers (structure-only, or
 * implemented by FastCheck), while a shape claiming a profile with one more value-reading
 * invariant (test resources: ketabridge-encounter-strict, identifier values at most 20 chars)
 * is never admitted, however often the validator passes its records.
 */
class ProfileSelfCheckTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String STRICT = "http://ketabridge.org/fhir/StructureDefinition/ketabridge-encounter-strict";

    private static ResourceValidator validator;
    private static ProfileSelfCheck selfCheck;

    @BeforeAll
    static void definitions() throws IOException {
        StructureDefinition strict;
        try (InputStream in = ProfileSelfCheckTest.class.getResourceAsStream("/validation/StructureDefinition-ketabridge-encounter-strict.json")) {
            strict = FHIR.newJsonParser().parseResource(StructureDefinition.class, in);
        }
        Terminology terms = new Terminology(FHIR) {
            @Override
            public List<StructureDefinition> structureDefinitions() {
                List<StructureDefinition> all = new ArrayList<>(super.structureDefinitions());
                all.add(strict); // after the profile it derives from, whose snapshot it needs
                return all;
            }
        };
        validator = new ResourceValidator(FHIR, terms);
        selfCheck = new ProfileSelfCheck(validator, FHIR);
    }

    /** The golden encounter (E-2001 and its vitals), its Encounter claiming the strict profile too, its start moved. */
    private static MappedRecord strictEncounter(int minutes) throws Exception {
        MappedRecord record = ValidationGateTest.encounter(minutes);
        record.resources().stream().map(r -> r.resource()).filter(Encounter.class::isInstance)
                .forEach(e -> e.getMeta().addProfile(STRICT));
        return record;
    }

    @Test
    void everyGoldenShapeUsesOnlyRulesTheGateCovers() throws Exception {
        for (String c : GoldenCases.cases().toList()) {
            MappedRecord record = GoldenCases.map(c);
            assertThat(selfCheck.uncoveredRules(selfCheck.usageOf(record))).as(c).isEmpty();
            assertThat(selfCheck.admits(record)).as(c).isTrue();
        }
        List<ProfileSelfCheck.Rule> rules = selfCheck.rules(selfCheck.usageOf(GoldenCases.map("encounter-iv-infusion-with-vitals")).definitions());
        assertThat(rules).extracting(ProfileSelfCheck.Rule::key).contains("per-1", "ref-1", "vs-1", "dom-3", "ele-1", "ext-1");
    }

    @Test
    void aProfileWithAValueReadingInvariantTheFastCheckLacksMakesItsShapeUnadmittable() throws Exception {
        MappedRecord record = strictEncounter(0);
        validator.check(GateInputs.copy(record)); // the validator passes it
        assertThat(selfCheck.uncoveredRules(selfCheck.usageOf(record)))
                .extracting(ProfileSelfCheck.Rule::key).containsExactly("kbt-1");
        assertThat(selfCheck.admits(record)).isFalse();
        assertThat(selfCheck.admits(ValidationGateTest.encounter(0))).as("without the strict profile").isTrue();
    }

    @Test
    void aRequiredBindingOnAStringCountsOnlyWhereTheShapeHasAString() throws Exception {
        MappedRecord record = ValidationGateTest.encounter(0);
        assertThat(selfCheck.uncoveredRules(selfCheck.usageOf(record))).as("a Quantity where value[x] is bound").isEmpty();
        record.resources().stream().map(r -> r.resource()).filter(Observation.class::isInstance).map(Observation.class::cast)
                .filter(Observation::hasComponent).forEach(o -> o.getComponentFirstRep().setValue(new StringType("120")));
        assertThat(selfCheck.uncoveredRules(selfCheck.usageOf(record))).extracting(ProfileSelfCheck.Rule::key).contains("binding");
    }

    @Test
    void theGateNeverAdmitsSuchAShapeAndCountsIt() throws Exception {
        ValidationGate gate = new ValidationGate(true, 2, 100, new ShapeKey(FHIR, GoldenCases.TERMS), new FastCheck(FHIR), selfCheck, FHIR);
        for (int i = 0; i < 4; i++) {
            MappedRecord record = strictEncounter(i);
            ValidationGate.Decision decision = gate.decide(record);
            assertThat(decision.passes()).isFalse();
            validator.check(GateInputs.copy(record));
            gate.validated(decision, record);
        }
        assertThat(gate.decide(strictEncounter(9)).passes()).isFalse();
        assertThat(gate.status()).containsEntry("shapesRefusedBySelfCheck", 1L).containsEntry("shapesAdmitted", 0L);
    }

    /**
     * The REMS form: HAPI checks its answers against the Questionnaire's items, values included
     * (monitoring-minutes has a minValue of 120), which no StructureDefinition says and the fast
     * check does not do. However many forms the validator passes, a form below the minimum is
     * never passed by the gate, and the self-check names the Questionnaire as the reason.
     */
    @Test
    void aQuestionnaireResponseIsNeverAdmittedForItsQuestionnairesRules() throws Exception {
        ValidationGate gate = new ValidationGate(true, 2, 100, new ShapeKey(FHIR, GoldenCases.TERMS), new FastCheck(FHIR), selfCheck, FHIR);
        String form = Files.readString(Path.of("src/test/resources/rems-form/complete-session/expected.json"));
        for (int minutes = 130; minutes < 134; minutes++) {
            MappedRecord record = remsForm(form, minutes);
            ValidationGate.Decision decision = gate.decide(record);
            assertThat(decision.passes()).isFalse();
            validator.check(GateInputs.copy(record));
            gate.validated(decision, record);
        }
        MappedRecord tooShort = remsForm(form, 60);
        assertThat(gate.decide(tooShort).passes()).isFalse();
        assertThatThrownBy(() -> validator.check(tooShort)).isInstanceOf(MappingException.class)
                .hasMessageContaining("less than the allowed minimum of 120");
        assertThat(selfCheck.uncoveredRules(selfCheck.usageOf(tooShort)))
                .filteredOn(rule -> rule.key().equals("questionnaire"))
                .extracting(ProfileSelfCheck.Rule::definition).containsExactly("http://ketabridge.org/fhir/Questionnaire/rems-monitoring|1.0.0");
    }

    /** The golden REMS form as the EHR's route maps it, its monitoring minutes changed. */
    private static MappedRecord remsForm(String expected, int monitoringMinutes) {
        String changed = expected.replace("\"valueInteger\": 130", "\"valueInteger\": " + monitoringMinutes);
        String stored = FHIR.newJsonParser().encodeResourceToString(FHIR.newJsonParser().parseResource(changed));
        return new RemsFormMapper().map(stored, new TargetReferences("Patient/1", "Encounter/2", null),
                OffsetDateTime.parse("2026-10-06T20:00:00Z"));
    }

    @Test
    void rulesAreClassifiedByWhatTheyRead() {
        assertThat(ConstraintRules.classify("ele-1", "hasValue() or (children().count() > id.count())"))
                .isEqualTo(ConstraintRules.Kind.STRUCTURE_ONLY);
        assertThat(ConstraintRules.classify("ele-1", "hasValue() or value.length() > 2"))
                .as("a known key with another expression").isEqualTo(ConstraintRules.Kind.VALUE_READING);
        assertThat(ConstraintRules.classify("x-1", "value.exists() or (dataAbsentReason.exists() and code.empty())"))
                .as("existence tests only").isEqualTo(ConstraintRules.Kind.STRUCTURE_ONLY);
        assertThat(ConstraintRules.classify("x-2", "identifier.all(value.length() <= 20)")).isEqualTo(ConstraintRules.Kind.VALUE_READING);
        assertThat(ConstraintRules.covered("x-2", "identifier.all(value.length() <= 20)")).isFalse();
        assertThat(ConstraintRules.classify("per-1", "start.hasValue().not() or end.hasValue().not() or (start <= end)"))
                .isEqualTo(ConstraintRules.Kind.VALUE_READING);
        assertThat(ConstraintRules.covered("per-1", "start.hasValue().not() or end.hasValue().not() or (start <= end)")).isTrue();
        assertThat(ConstraintRules.discriminatorCovered("value", "coding.code")).isTrue();
        assertThat(ConstraintRules.discriminatorCovered("value", "valueQuantity.value")).isFalse();
    }
}
