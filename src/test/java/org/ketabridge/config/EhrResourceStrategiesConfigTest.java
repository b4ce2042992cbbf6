package org.ketabridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ketabridge.KetaBridgeApplication;
import org.ketabridge.support.TestClinics;
import org.springframework.boot.SpringApplication;

/**
 * {@code bridge.clinics[n].ehr.resources.<ResourceType>: <strategy>} and {@code write-mode: auto}
 * (issue 13, slice 1): what an operator writes is checked at start-up like every other clinic
 * property; a mistake stops start-up naming the clinic and the property.
 */
class EhrResourceStrategiesConfigTest {

    private static Map<String, String> fhirClinic(String... more) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bridge.clinics[0].id", "north");
        p.put("bridge.clinics[0].time-zone", "America/Denver");
        p.put("bridge.clinics[0].ehr.type", "fhir");
        p.put("bridge.clinics[0].ehr.base-url", "https://ehr.example.org/fhir");
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    private static List<String> problems(Map<String, String> properties) {
        try {
            TestClinics.registry(properties);
        } catch (InvalidClinicConfigurationException e) {
            return e.problems();
        }
        throw new AssertionError("expected start-up to stop");
    }

    @Test
    void strategiesPerResourceTypeAndWriteModeAutoAreTaken() {
        EhrConnection ehr = TestClinics.registry(fhirClinic(
                "bridge.clinics[0].ehr.write-mode", "auto",
                "bridge.clinics[0].ehr.resources.MedicationAdministration", "none",
                "bridge.clinics[0].ehr.resources.Encounter", "Create-Patch",
                // As an environment variable gives it: BRIDGE_CLINICS_0_EHR_RESOURCES_PATIENT=match.
                "bridge.clinics[0].ehr.resources.PATIENT", "match",
                "bridge.clinics[0].ehr.patient-identifier-system", "urn:oid:2.16.840.1.113883.3.1234")).find("north").orElseThrow().ehr();

        assertThat(ehr.writeMode()).isEqualTo(WriteMode.AUTO);
        assertThat(ehr.resourceStrategies()).containsOnly(
                Map.entry("MedicationAdministration", WriteStrategy.NONE),
                Map.entry("Encounter", WriteStrategy.CREATE_PATCH),
                Map.entry("Patient", WriteStrategy.MATCH));
    }

    @Test
    void withoutOverridesNothingChanges() {
        EhrConnection ehr = TestClinics.registry(fhirClinic()).find("north").orElseThrow().ehr();
        assertThat(ehr.writeMode()).as("the default stays transaction").isEqualTo(WriteMode.TRANSACTION);
        assertThat(ehr.resourceStrategies()).isEmpty();
    }

    @Test
    void anUnknownTypeAnUnknownStrategyAndMatchForAnythingButPatientAreRefusedNamingClinicAndProperty() {
        assertThat(problems(fhirClinic(
                "bridge.clinics[0].ehr.resources.MedicationAdminstration", "none",
                "bridge.clinics[0].ehr.resources.Observation", "upsert",
                "bridge.clinics[0].ehr.resources.Encounter", "match")))
                .containsExactlyInAnyOrder(
                        "bridge.clinics[0] (id 'north'): ehr.resources.MedicationAdminstration: unknown resource type"
                                + " 'MedicationAdminstration'; the bridge writes Patient, Encounter, Observation,"
                                + " MedicationAdministration, Provenance, Organization, EpisodeOfCare, Flag,"
                                + " QuestionnaireResponse",
                        "bridge.clinics[0] (id 'north'): ehr.resources.Observation: unknown write strategy 'upsert';"
                                + " expected one of transaction, conditional-update, conditional-create, create-update,"
                                + " create-patch, create-only, match, none",
                        "bridge.clinics[0] (id 'north'): ehr.resources.Encounter: match is for Patient only"
                                + " (the bridge finds the EHR's own patient; it matches nothing else)");
    }

    // ---- The EHR's patient (issue 13, match) ----

    @Test
    void aMatchedPatientTakesTheEhrsIdentifierSystemAndARecheckThatDefaultsToFiveMinutes() {
        EhrConnection ehr = TestClinics.registry(fhirClinic(
                "bridge.clinics[0].ehr.resources.Patient", "match",
                "bridge.clinics[0].ehr.patient-identifier-system", " https://hospital.example.org/fhir/sid/mrn ")).find("north")
                .orElseThrow().ehr();

        assertThat(ehr.resourceStrategies()).containsEntry("Patient", WriteStrategy.MATCH);
        assertThat(ehr.patientIdentifierSystem()).contains("https://hospital.example.org/fhir/sid/mrn");
        assertThat(ehr.patientRecheck()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(TestClinics.registry(fhirClinic("bridge.clinics[0].ehr.patient-recheck", "90s")).find("north").orElseThrow()
                .ehr().patientRecheck()).isEqualTo(java.time.Duration.ofSeconds(90));
    }

    @Test
    void aConfiguredMatchWithoutTheEhrsIdentifierSystemIsRefusedNamingClinicAndProperty() {
        assertThat(problems(fhirClinic("bridge.clinics[0].ehr.resources.Patient", "match"))).containsExactly(
                "bridge.clinics[0] (id 'north'): ehr.patient-identifier-system: required when ehr.resources.Patient is match:"
                        + " the identifier system (a URI) under which the EHR knows the clinic's MRNs, e.g."
                        + " urn:oid:2.16.840.1.113883.3.1234 or https://hospital.example.org/mrn");
    }

    @Test
    void anIdentifierSystemThatIsNoAbsoluteUriOrNeedsEscapingInASearchIsRefused() {
        assertThat(problems(fhirClinic("bridge.clinics[0].ehr.patient-identifier-system", "MRN")))
                .containsExactly("bridge.clinics[0] (id 'north'): ehr.patient-identifier-system: 'MRN' is not an absolute URI"
                        + " (e.g. urn:oid:... or https://...)");
        assertThat(problems(fhirClinic("bridge.clinics[0].ehr.patient-identifier-system", "urn:oid:1.2|3")))
                .singleElement().asString().contains("'urn:oid:1.2|3' holds a character a FHIR token search would need escaped");
        assertThat(problems(fhirClinic("bridge.clinics[0].ehr.patient-identifier-system", "https://ehr.example.org/m rn")))
                .singleElement().asString().contains("ehr.patient-identifier-system").contains("or a blank");
        assertThat(problems(fhirClinic("bridge.clinics[0].ehr.patient-recheck", "0s")))
                .containsExactly("bridge.clinics[0] (id 'north'): ehr.patient-recheck: must be a positive duration (e.g. 5m)");
    }

    @Test
    void theBridgeDoesNotStartWithAMatchWithoutTheEhrsIdentifierSystemAndSaysWhere() {
        SpringApplication app = new SpringApplication(KetaBridgeApplication.class);
        assertThatThrownBy(() -> app.run("--server.port=0", "--spring.datasource.url=jdbc:h2:mem:matchnosystem;DB_CLOSE_DELAY=-1",
                "--bridge.clinics[0].id=north", "--bridge.clinics[0].time-zone=UTC", "--bridge.clinics[0].ehr.type=fhir",
                "--bridge.clinics[0].ehr.base-url=http://ehr.example.org/fhir",
                "--bridge.clinics[0].ehr.resources.Patient=match").close())
                .hasRootCauseInstanceOf(InvalidClinicConfigurationException.class)
                .rootCause().hasMessageContaining("bridge.clinics[0] (id 'north'): ehr.patient-identifier-system: required when"
                        + " ehr.resources.Patient is match");
    }

    /**
     * Every record the bridge sends refers to its patient (a required subject), so an EHR that
     * takes no Patient could take nothing: a configuration saying so is a mistake, refused at start.
     */
    @Test
    void noneForPatientIsRefusedSayingWhy() {
        assertThat(problems(fhirClinic("bridge.clinics[0].ehr.resources.patient", "none")))
                .containsExactly("bridge.clinics[0] (id 'north'): ehr.resources.patient: none is not possible for Patient:"
                        + " every record the bridge sends refers to its patient, so an EHR that takes no Patient could take"
                        + " no record at all; for an EHR that keeps its own patients use match, for no EHR at all ehr.type: none");
        assertThat(TestClinics.registry(fhirClinic("bridge.clinics[0].ehr.resources.Provenance", "none")).find("north")
                .orElseThrow().ehr().resourceStrategies()).as("any other type may be none")
                .containsExactly(Map.entry("Provenance", WriteStrategy.NONE));
    }

    @Test
    void theBridgeDoesNotStartWithABadStrategyAndSaysWhere() {
        SpringApplication app = new SpringApplication(KetaBridgeApplication.class);
        assertThatThrownBy(() -> app.run("--server.port=0", "--spring.datasource.url=jdbc:h2:mem:badstrategy;DB_CLOSE_DELAY=-1",
                "--bridge.clinics[0].id=north", "--bridge.clinics[0].time-zone=UTC", "--bridge.clinics[0].ehr.type=fhir",
                "--bridge.clinics[0].ehr.base-url=http://ehr.example.org/fhir",
                "--bridge.clinics[0].ehr.resources.MedicationAdministration=skip").close())
                .hasRootCauseInstanceOf(InvalidClinicConfigurationException.class)
                .rootCause().hasMessageContaining("bridge.clinics[0] (id 'north'): ehr.resources.MedicationAdministration:"
                        + " unknown write strategy 'skip'");
    }
}
