package org.ketabridge.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.support.GoldenCases;

/**
 * The shape key: values the fast check reads leave it unchanged; anything else the validator's
 * verdict depends on (an element, a code, a profile, an array's size, a reference's kind) changes it.
 */
class ShapeKeyTest {

    private static final ShapeKey KEYS = new ShapeKey(FhirContext.forR4Cached(), GoldenCases.TERMS);

    private static String keyOf(String caseName, Consumer<MappedRecord> change) throws Exception {
        MappedRecord record = GateInputs.copy(GoldenCases.map(caseName));
        change.accept(record);
        return KEYS.of(record);
    }

    private static <T> void each(MappedRecord record, Class<T> type, Consumer<T> change) {
        record.resources().stream().map(r -> r.resource()).filter(type::isInstance).map(type::cast).forEach(change);
    }

    @Test
    void recordsThatDifferOnlyInValuesShareAKey() throws Exception {
        String golden = keyOf("encounter-iv-infusion-with-vitals", r -> { });
        assertThat(keyOf("encounter-iv-infusion-with-vitals", r -> each(r, Encounter.class, e -> {
            e.getPeriod().getStartElement().setValueAsString("2027-01-02T03:04:05+01:00");
            e.getIdentifierFirstRep().setValue("E-9");
            e.getLocationFirstRep().getLocation().setDisplay("Chair 9");
            ((IntegerType) e.getExtensionByUrl("http://ketabridge.org/fhir/StructureDefinition/session-number").getValue()).setValue(11);
        }))).isEqualTo(golden);
        assertThat(keyOf("encounter-iv-infusion-with-vitals", r -> { })).isEqualTo(golden);
    }

    @Test
    void structuralChangesChangeTheKey() throws Exception {
        String golden = keyOf("encounter-iv-infusion-with-vitals", r -> { });
        assertThat(keyOf("encounter-iv-infusion-with-vitals", r -> each(r, Encounter.class, e -> e.getPriority().setText("urgent"))))
                .as("an added element").isNotEqualTo(golden);
        assertThat(keyOf("encounter-iv-infusion-with-vitals", r -> each(r, Encounter.class,
                e -> e.getClass_().setCode("IMP")))).as("another code").isNotEqualTo(golden);
        assertThat(keyOf("encounter-iv-infusion-with-vitals", r -> each(r, Encounter.class,
                e -> e.getClass_().setDisplay("inpatient")))).as("another display").isNotEqualTo(golden);
        assertThat(keyOf("encounter-iv-infusion-with-vitals", r -> each(r, Encounter.class,
                e -> e.getMeta().getProfile().get(0).setValue("http://example.org/other")))).as("another profile").isNotEqualTo(golden);
        assertThat(keyOf("encounter-iv-infusion-with-vitals", r -> each(r, Encounter.class,
                e -> e.getTypeFirstRep().addCoding(new Coding("http://snomed.info/sct", "1", "x"))))).as("an array's size").isNotEqualTo(golden);
        assertThat(keyOf("encounter-iv-infusion-with-vitals", r -> each(r, Observation.class,
                o -> o.getSubject().setReference("urn:uuid:00000000-0000-0000-0000-000000000000")))).as("a reference's kind").isNotEqualTo(golden);
        assertThat(keyOf("encounter-iv-infusion-with-vitals", r -> each(r, Observation.class,
                o -> { if (o.hasValueQuantity()) { o.getValueQuantity().setUnit("kg"); } }))).as("a Quantity's unit").isNotEqualTo(golden);
        assertThat(keyOf("dose-infusion-stopped-for-hypertension", r -> each(r, MedicationAdministration.class,
                m -> m.addNote().setText("x")))).as("a note added")
                .isNotEqualTo(keyOf("dose-infusion-stopped-for-hypertension", r -> { }));
        assertThat(keyOf("score-phq9-with-items", r -> each(r, Observation.class,
                o -> o.setEffective(new org.hl7.fhir.r4.model.Period().setStartElement(o.getEffectiveDateTimeType())))))
                .as("a choice type").isNotEqualTo(keyOf("score-phq9-with-items", r -> { }));
    }

    @Test
    void theWalkReadsResourceIdsExtensionsContainedResourcesAndReferenceKinds() throws Exception {
        String encounter = KEYS.walk(GoldenCases.map("encounter-iv-infusion-with-vitals"));
        assertThat(encounter).contains("extension:(Extension url:(uri=61:http://ketabridge.org/fhir/StructureDefinition/session-number)")
                .contains("profile:(canonical=67:http://ketabridge.org/fhir/StructureDefinition/ketabridge-encounter)")
                .contains("ref=relative:7:Patient").contains("ref=bundle:0:Organization").contains("(Provenance id:(id)")
                .doesNotContain("E-2001").doesNotContain("2026-10-05");
        assertThat(KEYS.walk(GoldenCases.map("dose-esketamine-84mg-waste-and-witness")))
                .contains("contained:(Medication id:(id)").contains("ref=contained").doesNotContain("SPR-26-1102");
    }

    @Test
    void theKeyCarriesWhatElseTheVerdictDependsOn() {
        assertThat(KEYS.context()).contains("hapi 8.8.0").contains(ResourceValidator.SETTINGS).contains("definitions ");
    }
}
