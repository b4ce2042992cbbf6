package org.ketabridge.bench;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.concurrent.TimeUnit;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.record.RecordKind;
import org.ketabridge.support.TestClinics;
import org.ketabridge.validation.FastCheck;
import org.ketabridge.validation.ProfileSelfCheck;
import org.ketabridge.validation.ResourceValidator;
import org.ketabridge.validation.ShapeKey;
import org.ketabridge.validation.ValidationGate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Mapping alone, mapping with validation, and mapping through the validation gate (the record's
 * shape admitted: its shape key and the fast check per record), of one record of each kind (the
 * golden cases), single-threaded: records per second per core. With {@code -prof gc}: bytes
 * allocated per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class MappingBenchmark {

    @Param({"dose-infusion-stopped-for-hypertension", "encounter-iv-infusion-with-vitals", "score-phq9-with-items"})
    public String record;

    private FhirMapper mapper;
    private ResourceValidator validator;
    private MappingInput input;
    private ValidationGate gate;

    @Setup
    public void setUp() throws Exception {
        FhirContext fhir = FhirContext.forR4Cached();
        ClinicRegistry clinics = TestClinics.registry("UTC", "bench");
        Clinic clinic = clinics.find("bench").orElseThrow();
        Terminology terms = new Terminology(fhir, clinics);
        mapper = new FhirMapper(new ObjectMapper(), terms);
        validator = new ResourceValidator(fhir, terms);
        String content = new ObjectMapper().readTree(
                Files.readString(Path.of("src/test/resources/golden", record, "record.json"))).toString();
        RecordKind kind = RecordKind.valueOf(record.substring(0, record.indexOf('-')).toUpperCase());
        input = new MappingInput(clinic, kind, "R-1", 1, content, null, "receipt-1",
                OffsetDateTime.parse("2026-10-06T20:00:00Z"), new TargetReferences("Patient/1", "Encounter/2"), null);
        validator.check(mapper.map(input)); // warm the validator's caches before measuring
        gate = new ValidationGate(true, 5, 10_000, new ShapeKey(fhir, terms), new FastCheck(FhirContext.forR4Cached()),
                new ProfileSelfCheck(validator, fhir), fhir);
        for (int n = 1; n <= 5; n++) { // five records of one shape (first versions: a later one's Provenance says UPDATE)
            MappingInput v = new MappingInput(clinic, kind, "R-" + n, 1, content, null, "receipt-1",
                    input.receivedAt(), input.references(), null);
            MappedRecord mapped = mapper.map(v);
            ValidationGate.Decision decision = gate.decide(mapped);
            validator.check(mapped);
            gate.validated(decision, mapped);
        }
        if (!gate.decide(mapper.map(input)).passes()) {
            throw new IllegalStateException("the record's shape was not admitted");
        }
    }

    @Benchmark
    public MappedRecord mapOnly() {
        return mapper.map(input);
    }

    /** An admitted shape: the record's key and fast check, no full validation. */
    @Benchmark
    public MappedRecord mapAndGate() {
        MappedRecord mapped = mapper.map(input);
        if (!gate.decide(mapped).passes()) {
            throw new IllegalStateException("the gate asked for the validator");
        }
        return mapped;
    }

    @Benchmark
    public MappedRecord mapAndValidate() {
        MappedRecord mapped = mapper.map(input);
        validator.check(mapped);
        return mapped;
    }
}
