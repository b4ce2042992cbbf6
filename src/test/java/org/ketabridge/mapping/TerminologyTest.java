package org.ketabridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.support.GoldenCases;
import org.ketabridge.support.TestClinics;

/** The mapping knowledge comes from fhir-mapping/, and a clinic's own map overrides single entries. */
class TerminologyTest {

    @Test
    void aClinicsOwnMapReplacesOnlyTheEntriesItNames(@TempDir Path overrides) throws Exception {
        Files.writeString(overrides.resolve("my-indication-map.json"), """
                {"resourceType":"ConceptMap","id":"north-indication",
                 "url":"http://ketabridge.org/fhir/ConceptMap/indication","status":"active",
                 "group":[{"source":"http://ketabridge.org/fhir/CodeSystem/indication",
                           "target":"http://hl7.org/fhir/sid/icd-10-cm",
                           "element":[{"code":"TRD","target":[{"code":"F33.2","equivalence":"equivalent",
                             "display":"Major depressive disorder, recurrent severe without psychotic features"}]}]}]}
                """);
        ClinicRegistry clinics = TestClinics.registry(Map.of(
                "bridge.clinics[0].id", "north", "bridge.clinics[0].time-zone", "UTC", "bridge.clinics[0].ehr.type", "none",
                "bridge.clinics[0].mapping-overrides", overrides.toString(),
                "bridge.clinics[1].id", "south", "bridge.clinics[1].time-zone", "UTC", "bridge.clinics[1].ehr.type", "none"));
        Terminology terms = new Terminology(FhirContext.forR4Cached(), clinics);
        Clinic north = clinics.find("north").orElseThrow();
        Clinic south = clinics.find("south").orElseThrow();

        List<String> northTrd = terms.translate(north, "indication", "TRD").stream().map(TerminologyTest::token).toList();
        List<String> southTrd = terms.translate(south, "indication", "TRD").stream().map(TerminologyTest::token).toList();
        assertThat(northTrd).containsExactly("http://snomed.info/sct|370143000", "http://hl7.org/fhir/sid/icd-10-cm|F33.2");
        assertThat(southTrd).containsExactly("http://snomed.info/sct|370143000", "http://hl7.org/fhir/sid/icd-10-cm|F33.9");
        assertThat(terms.translate(north, "indication", "PTSD")).extracting(Coding::getCode).containsExactly("47505003", "F43.10");
    }

    @Test
    void codesAndUnitsComeFromTheFiles() {
        Terminology terms = termsForGolden();
        Clinic clinic = GoldenCases.CLINIC;
        assertThat(terms.translate(clinic, "score-code", "PHQ-9")).extracting(Coding::getCode).containsExactly("44261-6");
        assertThat(terms.translate(clinic, "score-code", "MADRS")).as("no LOINC code for MADRS").isEmpty();
        assertThat(terms.local("instrument", "MADRS").getSystem()).isEqualTo("http://ketabridge.org/fhir/CodeSystem/instrument");
        assertThat(terms.unit(clinic, "systolic").getCode()).isEqualTo("mm[Hg]");
        assertThat(terms.translate(clinic, "vital-sign", "spo2")).extracting(Coding::getCode).containsExactly("59408-5", "2708-6");
        assertThatThrownBy(() -> terms.local("indication", "depression")).isInstanceOf(MappingException.class)
                .hasMessageContaining("not in CodeSystem indication");
    }

    private static Terminology termsForGolden() {
        try {
            return new Terminology(FhirContext.forR4Cached(), TestClinics.registry("UTC", "golden"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token(Coding c) {
        return c.getSystem() + "|" + c.getCode();
    }
}
