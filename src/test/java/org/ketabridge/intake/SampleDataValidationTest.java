package org.ketabridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.record.RecordKind;
import org.ketabridge.support.TestClinics;
import org.ketabridge.validation.ResourceValidator;
import org.springframework.core.io.ClassPathResource;

/**
 * The demo clinic's whole sample set (what a new user sees first) passes the contract and
 * becomes FHIR that validates with zero errors.
 */
class SampleDataValidationTest {

    @Test
    void theDemoSampleSetIsValidAndMapsToValidFhir() throws Exception {
        ClinicRegistry clinics = TestClinics.registry("America/Denver", "demo");
        Clinic demo = clinics.find("demo").orElseThrow();
        FhirContext fhir = FhirContext.forR4Cached();
        Terminology terms = new Terminology(fhir, clinics);
        FhirMapper mapper = new FhirMapper(new ObjectMapper(), terms);
        ResourceValidator validator = new ResourceValidator(fhir, terms);
        RecordValidators validators = new RecordValidators(List.of(
                new PatientValidator(), new EncounterValidator(), new DoseValidator(), new ScoreValidator()));
        int records = 0;
        for (RecordKind kind : RecordKind.values()) {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                    new ClassPathResource("demo/" + kind.collection() + ".ndjson").getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    JsonNode json = new ObjectMapper().readTree(line);
                    ValidationResult result = validators.of(kind).validate(json, demo, Instant.now());
                    assertThat(result.errors()).as(kind + " " + result.recordId()).isEmpty();
                    ValidatedRecord r = result.record();
                    TargetReferences refs = kind == RecordKind.PATIENT ? new TargetReferences(null, null)
                            : new TargetReferences("Patient/1", r.encounterId() == null ? null : "Encounter/2");
                    validator.check(mapper.map(new MappingInput(demo, kind, r.recordId(), 1, r.content().toString(), null,
                            "demo-receipt", OffsetDateTime.now(), refs, null)));
                    records++;
                }
            }
        }
        assertThat(records).isEqualTo(33);
    }
}
