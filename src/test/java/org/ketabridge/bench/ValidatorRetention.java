package org.ketabridge.bench;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.record.RecordKind;
import org.ketabridge.support.TestClinics;
import org.ketabridge.validation.ResourceValidator;

/**
 * What validation keeps: the heap in use after a full GC, every 100 validations of the golden
 * IV-infusion encounter on one thread. Flat when nothing is retained; rising when the validator
 * keeps what it validated (it did: BENCHMARKS.md).
 *
 * <pre>./mvnw -Pbench test-compile exec:exec -Dbench.main=org.ketabridge.bench.ValidatorRetention -Dbench.args=1000</pre>
 */
public final class ValidatorRetention {

    public static void main(String[] args) throws Exception {
        int validations = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        FhirContext fhir = FhirContext.forR4Cached();
        ClinicRegistry clinics = TestClinics.registry("UTC", "bench");
        Terminology terms = new Terminology(fhir, clinics);
        FhirMapper mapper = new FhirMapper(new ObjectMapper(), terms);
        ResourceValidator validator = new ResourceValidator(fhir, terms);
        String content = new ObjectMapper().readTree(Files.readString(
                Path.of("src/test/resources/golden/encounter-iv-infusion-with-vitals/record.json"))).toString();
        MappingInput input = new MappingInput(clinics.find("bench").orElseThrow(), RecordKind.ENCOUNTER, "R-1", 1, content,
                null, "receipt-1", OffsetDateTime.parse("2026-10-06T20:00:00Z"), new TargetReferences("Patient/1", "Encounter/2"), null);
        System.out.println("| validations | heap in use after GC |");
        System.out.println("|---|---|");
        for (int i = 1; i <= validations; i++) {
            validator.check(mapper.map(input));
            if (i % 100 == 0) {
                System.gc();
                Runtime rt = Runtime.getRuntime();
                System.out.printf("| %d | %d MB |%n", i, (rt.totalMemory() - rt.freeMemory()) / 1_000_000);
            }
        }
    }
}
