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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.ketabridge.channel.hl7.Hl7Header;
import org.ketabridge.channel.hl7.Hl7MessageReader;
import org.ketabridge.channel.hl7.Hl7Records;
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
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The demo clinic's whole sample set (what a new user sees first): its NDJSON files and its HL7 v2
 * messages pass the contract and become FHIR that validates with zero errors.
 */
// One instance for both tests: the FHIR validator takes long to build.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleDataValidationTest {

    private final ClinicRegistry clinics = TestClinics.registry("America/Denver", "demo");
    private final Clinic demo = clinics.find("demo").orElseThrow();
    private final FhirContext fhir = FhirContext.forR4Cached();
    private final Terminology terms = new Terminology(fhir, clinics);
    private final FhirMapper mapper = new FhirMapper(new ObjectMapper(), terms);
    private final ResourceValidator validator;
    private final RecordValidators validators = new RecordValidators(List.of(
            new PatientValidator(), new EncounterValidator(), new DoseValidator(), new ScoreValidator()));

    SampleDataValidationTest() throws Exception {
        validator = new ResourceValidator(fhir, terms);
    }

    @Test
    void theDemoSampleSetIsValidAndMapsToValidFhir() throws Exception {
        int records = 0;
        for (RecordKind kind : RecordKind.values()) {
            if (!kind.received()) {
                continue; // a kind the bridge derives (the REMS form) has no sample file
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                    new ClassPathResource("demo/" + kind.collection() + ".ndjson").getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    check(kind, new ObjectMapper().readTree(line));
                    records++;
                }
            }
        }
        assertThat(records).isEqualTo(34);
    }

    @Test
    void theDemoHl7MessagesAreReadIntoValidRecords() throws Exception {
        Hl7MessageReader reader = new Hl7MessageReader(terms);
        List<RecordKind> kinds = new ArrayList<>();
        for (Resource file : new PathMatchingResourcePatternResolver().getResources("classpath:demo/hl7/*.hl7")) {
            String text = file.getContentAsString(StandardCharsets.UTF_8);
            Hl7Header header = reader.header(text);
            reader.check(header);
            assertThat(header.sendingFacility()).as(file.getFilename()).isEqualTo("FRONTRANGE"); // application-demo.yaml
            Hl7Records read = reader.read(text, header, demo);
            for (InboundLine line : read.lines()) {
                check(read.kind(), line.json());
            }
            kinds.add(read.kind());
        }
        assertThat(kinds).containsExactlyInAnyOrder(RecordKind.PATIENT, RecordKind.DOSE, RecordKind.SCORE);
    }

    private void check(RecordKind kind, JsonNode json) {
        ValidationResult result = validators.of(kind).validate(json, demo, Instant.now());
        assertThat(result.errors()).as(kind + " " + result.recordId()).isEmpty();
        ValidatedRecord r = result.record();
        TargetReferences refs = kind == RecordKind.PATIENT ? new TargetReferences(null, null)
                : new TargetReferences("Patient/1", r.encounterId() == null ? null : "Encounter/2");
        validator.check(mapper.map(new MappingInput(demo, kind, r.recordId(), 1, r.content().toString(), null,
                "demo-receipt", OffsetDateTime.now(), refs, null)));
    }
}
