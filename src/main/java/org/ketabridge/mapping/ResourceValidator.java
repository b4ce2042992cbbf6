package org.ketabridge.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
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
        terms.structureDefinitions().forEach(ours::addStructureDefinition);
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(fhir),
                ours,
                new CommonCodeSystemsTerminologyService(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir));
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        // Every extension the bridge writes is defined in fhir-mapping/profiles/: no unknown ones pass.
        module.setAnyExtensionsAllowed(false);
        FhirValidator v = fhir.newValidator().registerValidatorModule(module);
        log.info("FHIR validator ready in {} ms", (System.nanoTime() - start) / 1_000_000);
        return v;
    }

    /** Validates every resource of a mapped record; throws when any has an error. */
    public void check(MappedRecord record) {
        for (MappedResource r : record.resources()) {
            List<String> errors = errors(r.resource());
            if (!errors.isEmpty()) {
                throw new MappingException(r.resourceType() + " " + r.identifierValue() + " fails FHIR validation: "
                        + String.join("; ", errors));
            }
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
