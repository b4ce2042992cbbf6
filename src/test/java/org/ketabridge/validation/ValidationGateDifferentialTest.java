package org.ketabridge.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.support.GoldenCases;

/**
 * The gate's guarantee, checked against HAPI's validator itself: every record the gate lets
 * through (its shape admitted, its values VALID for FastCheck) is one the full validator passes.
 * Inputs, seeded: the golden cases; records generated over their optional fields and value
 * ranges, mapped by the real mapper; and every golden mapping with one value broken on purpose
 * (impossible and odd dates, periods, decimals, integers, strings, ids, references, placeholders).
 * And the metamorphic side: records of one shape that FastCheck calls VALID get one verdict.
 */
class ValidationGateDifferentialTest {

    private static final int GENERATED_PER_CASE = 25;

    private static ResourceValidator validator;
    private static ShapeKey keys;
    private static FastCheck fastCheck;

    @BeforeAll
    static void validator() {
        FhirContext fhir = FhirContext.forR4Cached();
        validator = new ResourceValidator(fhir, GoldenCases.TERMS);
        keys = new ShapeKey(fhir, GoldenCases.TERMS);
        fastCheck = new FastCheck(FhirContext.forR4Cached());
    }

    /** What the run saw; a disagreement is a record the gate passed and the validator rejects. */
    private static final class Run {
        final ValidationGate gate = new ValidationGate(true, 5, 10_000, keys, fastCheck,
                new ProfileSelfCheck(validator, FhirContext.forR4Cached()), FhirContext.forR4Cached());
        final Map<String, Boolean> verdictOfValidShape = new HashMap<>();
        final List<String> disagreements = new ArrayList<>();
        final List<String> metamorphic = new ArrayList<>();
        int cases;
        int passedByGate;
        int fullValidations;

        /** As VersionValidation does: the gate decides, the full validator answers and teaches it; plus the checks. */
        void record(String label, MappedRecord record) {
            cases++;
            ValidationGate.Decision decision = gate.decide(record);
            List<String> errors = errors(record);
            if (decision.passes()) {
                passedByGate++;
                if (!errors.isEmpty()) {
                    disagreements.add(label + ": " + errors);
                }
                return;
            }
            if (errors.isEmpty()) {
                gate.validated(decision, record);
            } else {
                gate.rejected(decision);
            }
            if (fastCheck.check(record) == FastCheck.Verdict.VALID) {
                Boolean earlier = verdictOfValidShape.putIfAbsent(keys.of(record), errors.isEmpty());
                if (earlier != null && earlier != errors.isEmpty()) {
                    metamorphic.add(label + ": " + errors);
                }
            }
        }

        List<String> errors(MappedRecord record) {
            fullValidations++;
            try {
                // a copy: encoding the Bundle sets the id of a resource with contained ones to its fullUrl
                validator.check(GateInputs.copy(record));
                return List.of();
            } catch (MappingException e) {
                return List.of(e.getMessage());
            } catch (RuntimeException e) {
                return List.of("HAPI cannot even copy it: " + e.getMessage()); // a value HAPI holds but cannot parse
            }
        }
    }

    @Test
    void everyRecordTheGatePassesTheFullValidatorPassesAndOneShapeGetsOneVerdict() throws Exception {
        Run run = new Run();
        GateInputs inputs = new GateInputs(16);
        for (String c : GoldenCases.cases().toList()) {
            MappedRecord golden = GoldenCases.map(c);
            assertThat(run.errors(golden)).as(c).isEmpty();
            run.record(c, golden);
            for (int i = 0; i < GENERATED_PER_CASE; i++) {
                MappedRecord generated = inputs.generated(c, i % 2 == 0);
                if (generated != null) {
                    run.record(c + " generated " + i, generated);
                }
            }
            List<Consumer<MappedRecord>> mutations = inputs.mutations(golden);
            for (int m = 0; m < mutations.size(); m++) {
                MappedRecord mutated = GateInputs.copy(GoldenCases.map(c));
                mutations.get(m).accept(mutated);
                if (fastCheck.check(mutated) == FastCheck.Verdict.VALID || run.gate.decide(mutated).passes()) {
                    run.record(c + " mutation " + m, mutated);
                } else {
                    run.cases++; // FastCheck asks: the validator would be asked, so nothing to disagree with
                }
            }
            for (MappedRecord mutated : GateInputs.placeholderMutations(GoldenCases.map(c))) {
                run.record(c + " placeholders", mutated);
            }
            // A shape that always fails, with different values: the metamorphic check sees failing verdicts too.
            for (int i = 0; i < 3; i++) {
                MappedRecord broken = inputs.generated(c, false);
                if (broken != null) {
                    breakStructure(broken);
                    run.record(c + " broken " + i, broken);
                }
            }
        }
        System.out.printf("validation gate differential: %d cases, %d passed by the gate, %d full validations,"
                + " %d disagreements, %d metamorphic disagreements%n", run.cases, run.passedByGate, run.fullValidations,
                run.disagreements.size(), run.metamorphic.size());
        assertThat(run.disagreements).isEmpty();
        assertThat(run.metamorphic).isEmpty();
        assertThat(run.passedByGate).as("the gate let records through (else this proves nothing)").isGreaterThan(500);
    }

    /** A required element removed (Observation.status, Provenance.recorded): the validator rejects every such record. */
    static void breakStructure(MappedRecord record) {
        for (MappedResource r : record.resources()) {
            if (r.resource() instanceof Observation o) {
                o.setStatus(null);
            } else if (r.resource() instanceof Provenance p) {
                p.setRecordedElement(null);
            }
        }
    }
}
