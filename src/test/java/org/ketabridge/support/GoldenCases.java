package org.ketabridge.support;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.outcome.Outcome;
import org.ketabridge.record.RecordKind;

/**
 * The golden cases of {@code src/test/resources/golden/} (one folder per case: the record as
 * stored, its warnings and outcome, and the exact FHIR it must become), read and mapped the way
 * {@code GoldenMappingTest} compares them; the validation tests check the same resources.
 * The patient and encounter are taken as the EHR's {@code Patient/p1} and {@code Encounter/e1};
 * the record as version 1 of receipt {@code R-golden}, received 2026-10-06T20:00:00Z.
 */
public final class GoldenCases {

    public static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    public static final Clinic CLINIC;
    public static final Terminology TERMS;
    public static final FhirMapper MAPPER;

    static {
        ClinicRegistry clinics = TestClinics.registry("America/Denver", "golden");
        CLINIC = clinics.find("golden").orElseThrow();
        try {
            TERMS = new Terminology(FHIR, clinics);
            MAPPER = new FhirMapper(new ObjectMapper(), TERMS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private GoldenCases() {
    }

    public static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(GOLDEN)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    public static RecordKind kindOf(String caseName) {
        return RecordKind.valueOf(caseName.substring(0, caseName.indexOf('-')).toUpperCase());
    }

    public static Bundle mapToBundle(String caseName) throws IOException {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        map(caseName).resources().forEach(r -> bundle.addEntry().setFullUrl(r.placeholder()).setResource(r.resource()));
        return bundle;
    }

    /** A golden case's record as the mapper turns it into FHIR, with EHR-style references. */
    public static MappedRecord map(String caseName) throws IOException {
        return map(caseName, Files.readString(GOLDEN.resolve(caseName).resolve("record.json")));
    }

    /** Another record (JSON) of a golden case's kind, mapped as that case is (its warnings, outcome and references). */
    public static MappedRecord map(String caseName, String record) throws IOException {
        RecordKind kind = kindOf(caseName);
        String encounter = kind == RecordKind.ENCOUNTER || kind == RecordKind.PATIENT
                || (kind == RecordKind.SCORE && !record.contains("\"encounterId\"")) ? null : "Encounter/e1";
        TargetReferences refs = kind == RecordKind.PATIENT ? new TargetReferences(null, null) : new TargetReferences("Patient/p1", encounter);
        Path warnings = GOLDEN.resolve(caseName).resolve("warnings.json");
        Path outcomeFile = GOLDEN.resolve(caseName).resolve("outcome.json");
        Outcome outcome = null;
        if (Files.exists(outcomeFile)) {
            var o = new ObjectMapper().readTree(Files.readString(outcomeFile));
            outcome = new Outcome(Outcome.Status.valueOf(o.get("status").asText()),
                    o.get("baselineScoreId").asText(), o.get("percentChange").asDouble());
            refs = new TargetReferences(refs.patient(), refs.encounter(), "Observation/baseline1");
        }
        String recordId = new ObjectMapper().readTree(record).get(kind.idField()).asText();
        return MAPPER.map(new MappingInput(CLINIC, kind, recordId, 1,
                new ObjectMapper().readTree(record).toString(), Files.exists(warnings) ? Files.readString(warnings) : null,
                "R-golden", OffsetDateTime.parse("2026-10-06T20:00:00Z"), refs, outcome));
    }

    /**
     * Compares with the expected file, or with {@code -Dgolden.update=true} rewrites it. In update
     * mode a file that differs is rewritten and the case fails (it was not compared: the diff is for a
     * person to read), so a green run always means every case matched the expected files as they were.
     */
    public static void compareOrRewrite(Path expected, String actual) throws IOException {
        compareOrRewrite(expected, actual, Boolean.getBoolean("golden.update"));
    }

    public static void compareOrRewrite(Path expected, String actual, boolean update) throws IOException {
        if (update && (!Files.exists(expected) || !Files.readString(expected).equals(actual))) {
            Files.writeString(expected, actual);
            org.assertj.core.api.Assertions.fail("golden.update: rewrote " + expected + " instead of comparing; read the diff,"
                    + " then run again without -Dgolden.update");
        }
        org.assertj.core.api.Assertions.assertThat(expected).as(expected + " (write it with -Dgolden.update=true)").exists();
        org.assertj.core.api.Assertions.assertThat(actual).isEqualTo(Files.readString(expected));
    }
}
