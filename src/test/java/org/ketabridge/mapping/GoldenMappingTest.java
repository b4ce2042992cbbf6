package org.ketabridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.RecordKind;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

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

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    static final Clinic CLINIC;
    static final Terminology TERMS;
    static final FhirMapper MAPPER;

    static {
        BridgeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "bridge.clinics[0].id", "golden",
                "bridge.clinics[0].time-zone", "America/Denver",
                "bridge.clinics[0].ehr.type", "none"))).bindOrCreate("bridge", BridgeProperties.class);
        ClinicRegistry clinics = new ClinicRegistry(properties);
        CLINIC = clinics.find("golden").orElseThrow();
        try {
            TERMS = new Terminology(FHIR, clinics);
            MAPPER = new FhirMapper(new ObjectMapper(), TERMS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(GOLDEN)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    static RecordKind kindOf(String caseName) {
        return RecordKind.valueOf(caseName.substring(0, caseName.indexOf('-')).toUpperCase());
    }

    static Bundle mapToBundle(String caseName) throws IOException {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        map(caseName).resources().forEach(r -> bundle.addEntry().setFullUrl(r.placeholder()).setResource(r.resource()));
        return bundle;
    }

    /** A golden case's record as the mapper turns it into FHIR, with EHR-style references. */
    static MappedRecord map(String caseName) throws IOException {
        String record = Files.readString(GOLDEN.resolve(caseName).resolve("record.json"));
        RecordKind kind = kindOf(caseName);
        String encounter = kind == RecordKind.ENCOUNTER || kind == RecordKind.PATIENT
                || (kind == RecordKind.SCORE && !record.contains("\"encounterId\"")) ? null : "Encounter/e1";
        EhrReferences refs = kind == RecordKind.PATIENT ? new EhrReferences(null, null) : new EhrReferences("Patient/p1", encounter);
        Path warnings = GOLDEN.resolve(caseName).resolve("warnings.json");
        Path outcomeFile = GOLDEN.resolve(caseName).resolve("outcome.json");
        org.ketabridge.outcome.Outcome outcome = null;
        if (Files.exists(outcomeFile)) {
            var o = new ObjectMapper().readTree(Files.readString(outcomeFile));
            outcome = new org.ketabridge.outcome.Outcome(org.ketabridge.outcome.Outcome.Status.valueOf(o.get("status").asText()),
                    o.get("baselineScoreId").asText(), o.get("percentChange").asDouble());
            refs = new EhrReferences(refs.patient(), refs.encounter(), "Observation/baseline1");
        }
        String recordId = new ObjectMapper().readTree(record).get(kind.idField()).asText();
        return MAPPER.map(new MappingInput(CLINIC, kind, recordId, 1,
                new ObjectMapper().readTree(record).toString(), Files.exists(warnings) ? Files.readString(warnings) : null,
                "R-golden", java.time.OffsetDateTime.parse("2026-10-06T20:00:00Z"), refs, outcome));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRecordBecomesExactlyItsExpectedFhir(String caseName) throws IOException {
        IParser json = FHIR.newJsonParser().setPrettyPrint(true);
        String actual = json.encodeResourceToString(mapToBundle(caseName)) + "\n";
        Path expected = GOLDEN.resolve(caseName).resolve("expected.json");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, actual);
        }
        assertThat(expected).as("expected.json of " + caseName + " (write it with -Dgolden.update=true)").exists();
        assertThat(actual).isEqualTo(Files.readString(expected));
    }
}
