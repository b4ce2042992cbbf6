package org.ketabridge.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirDefaultPolicyAdvisor;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerFactory;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.mapping.Terminology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every resource the bridge produces is validated before it leaves: against base R4, the
 * profiles it claims in meta.profile (the FHIR vital-signs profiles, and KetaBridge's own from
 * fhir-mapping/profiles/, which also define its extensions), and KetaBridge's own CodeSystems;
 * a QuestionnaireResponse also against its Questionnaire of fhir-mapping/ (the REMS form).
 * A resource with errors never reaches an EHR: its record is failed with the validator's
 * messages. LOINC, SNOMED CT, RxNorm and ICD-10-CM codes cannot be checked without a
 * terminology server and are not (unknown code systems are warnings, not errors).
 *
 * <p>Built on HAPI's validation support chain and the FHIR core InstanceValidator, as HAPI's
 * FhirInstanceValidator is, with one difference that matters for throughput: HAPI builds a new
 * InstanceValidator for every call, and its set-up (an OID table read from CSV) costs about
 * 10 ms and 40 MB, more than validating a record. Here each thread builds one and reuses it
 * for {@value #VALIDATIONS_PER_INSTANCE} validations (BENCHMARKS.md has the figures). Not for
 * ever: an InstanceValidator keeps every coding it has seen (its CodingsObserver, for checks at
 * the end of a run, never cleared), and through them each validated resource's element tree,
 * about 0.6 MB per record: a bridge that reused one for good ran out of memory under load.
 */
@Component
public class ResourceValidator {

    private static final Logger log = LoggerFactory.getLogger(ResourceValidator.class);

    /** Amortises the construction (10 ms) to under 0.5 ms a record; bounds what one keeps to about 16 MB. */
    static final int VALIDATIONS_PER_INSTANCE = 25;

    /**
     * The settings below, as a string for the validation gate's shape key ({@link ShapeKey}): a
     * verdict given under other settings is not this validator's. Change it with them.
     */
    static final String SETTINGS = "anyExtensionsAllowed=false; bestPractice=Ignore; resourceId=OPTIONAL;"
            + " unknownCodeSystemsCauseErrors=false; noExtensibleWarnings=true; allowXsiLocation=true;"
            + " policyAdvisor=FhirDefaultPolicyAdvisor; R4, vital-signs, fhir-mapping profiles and CodeSystems";

    private final FhirContext fhir;
    private final Terminology terms;
    private final CompletableFuture<IWorkerContext> workerContext = new CompletableFuture<>();
    private final AtomicBoolean loading = new AtomicBoolean();

    private final ThreadLocal<Reused> validators = ThreadLocal.withInitial(() -> new Reused(newInstanceValidator()));

    public ResourceValidator(FhirContext fhir, Terminology terms) {
        this.fhir = fhir;
        this.terms = terms;
    }

    /**
     * Starts loading the R4 definitions (seconds of CPU) on a thread of its own, once. The bridge
     * calls it when it is up ({@link ValidatorReadiness}), so the loading does not compete with
     * start-up for the cores; otherwise the first validation does, and waits for it.
     */
    public void prepare() {
        if (loading.compareAndSet(false, true)) {
            Thread loader = new Thread(() -> {
                try {
                    workerContext.complete(build(fhir, terms));
                } catch (RuntimeException | Error e) {
                    workerContext.completeExceptionally(e);
                }
            }, "fhir-validator-loader");
            loader.setDaemon(true);
            loader.start();
        }
    }

    /** Whether the definitions are loaded. */
    public boolean isReady() {
        return workerContext.isDone() && !workerContext.isCompletedExceptionally();
    }

    public boolean hasFailed() {
        return workerContext.isCompletedExceptionally();
    }

    private static IWorkerContext build(FhirContext fhir, Terminology terms) {
        long start = System.nanoTime();
        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhir);
        terms.codeSystems().forEach(ours::addCodeSystem);
        terms.valueSets().forEach(ours::addValueSet);
        SnapshotGeneratingValidationSupport snapshots = new SnapshotGeneratingValidationSupport(fhir);
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(fhir), ours, new QuestionnaireSupport(fhir, terms.questionnaires()),
                new CommonCodeSystemsTerminologyService(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir), snapshots);
        // Our profiles come as differentials: generate each snapshot once, here, not per validation.
        ValidationSupportContext context = new ValidationSupportContext(chain);
        for (var sd : terms.structureDefinitions()) {
            ours.addStructureDefinition(snapshots.generateSnapshot(context, sd.copy(), sd.getUrl(), null, sd.getName()));
        }
        IWorkerContext worker = new WorkerContextSource(chain).workerContext();
        log.info("FHIR validator ready in {} ms", (System.nanoTime() - start) / 1_000_000);
        return worker;
    }

    /** The definitions the validator checks against, with snapshots (loading them first if need be). */
    IWorkerContext definitions() {
        prepare();
        return workerContext.join();
    }

    private InstanceValidator newInstanceValidator() {
        IWorkerContext worker = definitions();
        InstanceValidator v = new InstanceValidator(worker, new FhirInstanceValidator.NullEvaluationContext(),
                XVerExtensionManagerFactory.createExtensionManager(worker), new ValidatorSession(), new ValidatorSettings());
        v.setAnyExtensionsAllowed(false); // every extension the bridge writes is defined in fhir-mapping/profiles/
        v.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
        v.setResourceIdRule(IdStatus.OPTIONAL);
        v.setUnknownCodeSystemsCauseErrors(false);
        v.setNoExtensibleWarnings(true);
        v.setAllowXsiLocation(true);
        // As HAPI's wrapper: references are checked for form, never fetched.
        v.setPolicyAdvisor(new FhirDefaultPolicyAdvisor());
        return v;
    }

    /**
     * Validates every resource of a mapped record, in one call: the record's resources as one
     * collection Bundle (their placeholders resolve inside it). Throws when any resource has an
     * error, naming the record's main resource.
     */
    public void check(MappedRecord record) {
        List<String> errors = errors(bundleOf(record));
        if (!errors.isEmpty()) {
            MappedResource primary = record.primary();
            throw new MappingException(primary.resourceType() + " " + primary.identifierValue() + " fails FHIR validation: "
                    + String.join("; ", errors));
        }
    }

    /** What {@link #check} validates: the record's resources as one collection Bundle, by their placeholders. */
    static Bundle bundleOf(MappedRecord record) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        for (MappedResource r : record.resources()) {
            bundle.addEntry().setFullUrl(r.placeholder()).setResource(r.resource());
        }
        return bundle;
    }

    /** The error and fatal messages for one resource (a Bundle validates its entries too), each with where it is. */
    public List<String> errors(Resource resource) {
        return errorMessages(resource).stream().map(m -> m.getLocation() + ": " + m.getMessage()).collect(Collectors.toList());
    }

    /** {@link #errors}, as the validator's messages: their ids and locations can be logged, their texts (values) not. */
    List<ValidationMessage> errorMessages(Resource resource) {
        byte[] json = fhir.newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
        List<ValidationMessage> messages = new ArrayList<>();
        Reused reused = validators.get();
        if (reused.uses == VALIDATIONS_PER_INSTANCE) {
            reused = new Reused(newInstanceValidator());
            validators.set(reused);
        }
        reused.uses++;
        try {
            reused.validator().validate(null, messages, new ByteArrayInputStream(json), Manager.FhirFormat.JSON);
        } catch (Exception e) {
            throw new MappingException("the validator failed: " + e.getMessage());
        }
        return messages.stream()
                .filter(m -> m.getLevel() == ValidationMessage.IssueSeverity.ERROR || m.getLevel() == ValidationMessage.IssueSeverity.FATAL)
                .collect(Collectors.toList());
    }

    /** One thread's InstanceValidator and how often it has been used. */
    private static final class Reused {
        private final InstanceValidator validator;
        private int uses;

        Reused(InstanceValidator validator) {
            this.validator = validator;
        }

        InstanceValidator validator() {
            return validator;
        }
    }

    /** HAPI's adapter from its validation support chain to the core validator's worker context. */
    private static final class WorkerContextSource extends FhirInstanceValidator {
        WorkerContextSource(ValidationSupportChain chain) {
            super(chain);
        }

        IWorkerContext workerContext() {
            return provideWorkerContext();
        }
    }
}
