package org.ketabridge.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every resource the bridge produces is validated with HAPI's FhirValidator before it leaves:
 * against base R4, the profiles it claims in meta.profile (the FHIR vital-signs profiles, and
 * KetaBridge's own from fhir-mapping/profiles/, which also define its extensions), and
 * KetaBridge's own CodeSystems. A resource with errors never reaches an EHR: its record is
 * failed with the validator's messages. LOINC, SNOMED CT, RxNorm and ICD-10-CM codes cannot be
 * checked without a terminology server and are not (the validator warns, it does not fail).
 */
@Component
public class ResourceValidator {

    private static final Logger log = LoggerFactory.getLogger(ResourceValidator.class);

    private final CompletableFuture<FhirValidator> validator;

    public ResourceValidator(FhirContext fhir, Terminology terms) {
        // Building the validator loads the R4 definitions (seconds): do it off the start-up path.
        this.validator = CompletableFuture.supplyAsync(() -> build(fhir, terms));
    }

    private static FhirValidator build(FhirContext fhir, Terminology terms) {
        long start = System.nanoTime();
        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhir);
        terms.codeSystems().forEach(ours::addCodeSystem);
        DefaultProfileValidationSupport core = new DefaultProfileValidationSupport(fhir);
        SnapshotGeneratingValidationSupport snapshots = new SnapshotGeneratingValidationSupport(fhir);
        ValidationSupportChain chain = new ValidationSupportChain(
                core, ours, new CommonCodeSystemsTerminologyService(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir), snapshots);
        // Our profiles come as differentials: generate each snapshot once, here, not per validation.
        ValidationSupportContext context = new ValidationSupportContext(chain);
        for (var sd : terms.structureDefinitions()) {
            ours.addStructureDefinition(snapshots.generateSnapshot(context, sd.copy(), sd.getUrl(), null, sd.getName()));
        }
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        // Every extension the bridge writes is defined in fhir-mapping/profiles/: no unknown ones pass.
        module.setAnyExtensionsAllowed(false);
        FhirValidator v = fhir.newValidator().registerValidatorModule(module);
        log.info("FHIR validator ready in {} ms", (System.nanoTime() - start) / 1_000_000);
        return v;
    }

    /**
     * Validates every resource of a mapped record, in one call: the record's resources as one
     * collection Bundle (their placeholders resolve inside it). One call per record, not per
     * resource, because each call of HAPI's validator builds a new InstanceValidator, whose
     * set-up (loading its OID table) costs more than the validation itself (BENCHMARKS.md).
     * Throws when any resource has an error, naming the record's main resource.
     */
    public void check(MappedRecord record) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        for (MappedResource r : record.resources()) {
            bundle.addEntry().setFullUrl(r.placeholder()).setResource(r.resource());
        }
        List<String> errors = errors(bundle);
        if (!errors.isEmpty()) {
            MappedResource primary = record.primary();
            throw new MappingException(primary.resourceType() + " " + primary.identifierValue() + " fails FHIR validation: "
                    + String.join("; ", errors));
        }
    }

    /** The error and fatal messages for one resource, each with where it is. */
    public List<String> errors(Resource resource) {
        ValidationResult result = validator.join().validateWithResult(resource);
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(ResourceValidator::describe)
                .collect(Collectors.toList());
    }

    private static String describe(SingleValidationMessage m) {
        return m.getLocationString() + ": " + m.getMessage();
    }
}
