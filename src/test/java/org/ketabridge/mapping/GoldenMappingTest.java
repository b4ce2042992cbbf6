package org.ketabridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.record.RecordKind;
import org.ketabridge.support.GoldenCases;

/**
 * Golden tests: in {@code src/test/resources/golden/}, one folder per case, the record as stored
 * ({@code record.json}: normalized, times with offsets; {@code warnings.json} when intake found
 * plausibility warnings; {@code outcome.json} when the score is judged against the baseline
 * score {@code Observation/baseline1}) and, side by side, the exact FHIR it must
 * become ({@code expected.json}: a collection Bundle of the resources in write order). The
 * patient and encounter are taken as the EHR's {@code Patient/p1} and {@code Encounter/e1}; the
 * record as version 1 of receipt {@code R-golden}, received 2026-10-06T20:00:00Z.
 * Run with {@code -Dgolden.update=true} to rewrite the expected files after a deliberate change,
 * then read the diff.
 */
class GoldenMappingTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.ketabridge.support.GoldenCases#cases")
    void eachRecordBecomesExactlyItsExpectedFhir(String caseName) throws IOException {
        IParser json = FHIR.newJsonParser().setPrettyPrint(true);
        String actual = json.encodeResourceToString(GoldenCases.mapToBundle(caseName)) + "\n";
        GoldenCases.compareOrRewrite(GoldenCases.GOLDEN.resolve(caseName).resolve("expected.json"), actual);
    }

    /**
     * A record kind names its main resource ({@link RecordKind#resourceType}) and identifier
     * system ({@link RecordKind#identifierSuffix}) for the whole bridge (the auditors' store refers
     * to a record by them): they are what the mapper makes the record's primary resource.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.ketabridge.support.GoldenCases#cases")
    void theMainResourceIsOfTheKindsTypeUnderTheKindsIdentifier(String caseName) throws IOException {
        RecordKind kind = GoldenCases.kindOf(caseName);
        MappedResource primary = GoldenCases.map(caseName).primary();
        assertThat(primary.resourceType()).isEqualTo(kind.resourceType());
        assertThat(primary.identifierSystem()).isEqualTo(GoldenCases.CLINIC.identifierSystem(kind.identifierSuffix()));
    }

    /** Issue 11, item 3: the route of a dose not done reached the EHR nowhere (no dosage at all). */
    @Test
    void aDoseNotDoneKeepsItsRouteAndEveryOtherFact() throws IOException {
        var notDone = (org.hl7.fhir.r4.model.MedicationAdministration) GoldenCases.map("dose-not-done").primary().resource();
        assertThat(notDone.getDosage().getRoute().getCoding()).extracting(c -> c.getCode()).contains("intranasal");

        var planned = (org.hl7.fhir.r4.model.MedicationAdministration) GoldenCases.map("dose-not-done-iv-with-every-fact").primary().resource();
        assertThat(planned.getDosage().getRoute().getCoding()).extracting(c -> c.getCode()).contains("IV");
        assertThat(planned.getDosage().getRateQuantity().getValue()).isEqualByComparingTo("0.75");
        assertThat(planned.getDosage().getText()).isEqualTo("0.5 mg/kg");
        assertThat(((org.hl7.fhir.r4.model.Medication) planned.getContained().get(0)).getBatch().getLotNumber()).isEqualTo("KET-2026-118");
        assertThat(planned.getSupportingInformation()).as("the weight used for dosing").hasSize(1);
        assertThat(planned.getPerformer()).hasSize(2);
        assertThat(planned.getExtensionByUrl(Codes.KB_WASTED_AMOUNT)).isNotNull();
    }

    @Test
    void updateModeFailsTheCaseItRewritesAndComparesTheOthers(@TempDir Path dir) throws IOException {
        Path expected = dir.resolve("expected.json");
        Files.writeString(expected, "old\n");

        assertThatThrownBy(() -> GoldenCases.compareOrRewrite(expected, "new\n", true))
                .as("a rewritten case is not a passed case").isInstanceOf(AssertionError.class)
                .hasMessageContaining("rewrote");
        assertThat(expected).hasContent("new");
        GoldenCases.compareOrRewrite(expected, "new\n", true); // unchanged: compared, and it matches
        assertThatThrownBy(() -> GoldenCases.compareOrRewrite(expected, "other\n", false)).isInstanceOf(AssertionError.class);
        assertThat(expected).as("compare mode never writes").hasContent("new");
    }
}
