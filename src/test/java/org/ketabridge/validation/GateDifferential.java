package org.ketabridge.validation;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.support.GoldenCases;

/**
 * The gate's differential proof, as a test runs it (a few thousand cases) and as the benchmark
 * run does ({@code GateDifferentialRun}, 100,000 and more): every record goes through the gate
 * as VersionValidation sends it (the gate decides; the full validator answers and teaches it),
 * and every record the gate passes is validated in full anyway. A disagreement is a record the
 * gate passed and HAPI's validator rejects. Inputs, seeded: the golden cases; records generated
 * over their optional fields and value ranges; adversarial value mutations of golden and
 * generated mappings; placeholder mutations; structural mutations (each must change the key);
 * records with a required element removed. The metamorphic side: two records of one key that
 * FastCheck calls VALID get the same full verdict.
 */
public final class GateDifferential {

    /** What a run found. */
    public record Result(int cases, int passedByGate, int fullValidations, List<String> disagreements,
                         List<String> metamorphic, List<String> unchangedKeys) {
        @Override
        public String toString() {
            return String.format("%,d cases, %,d passed by the gate, %,d full validations, %d disagreements,"
                            + " %d metamorphic disagreements, %d structural mutations with an unchanged key",
                    cases, passedByGate, fullValidations, disagreements.size(), metamorphic.size(), unchangedKeys.size());
        }
    }

    private final ResourceValidator validator;
    private final ShapeKey keys;
    private final FastCheck fastCheck;
    private final ValidationGate gate;
    private final Map<String, Boolean> verdictOfValidShape = new HashMap<>();
    private final List<String> disagreements = new ArrayList<>();
    private final List<String> metamorphic = new ArrayList<>();
    private final List<String> unchangedKeys = new ArrayList<>();
    private int cases;
    private int passedByGate;
    private int fullValidations;

    public GateDifferential() {
        FhirContext fhir = FhirContext.forR4Cached();
        validator = new ResourceValidator(fhir, GoldenCases.TERMS);
        keys = new ShapeKey(fhir, GoldenCases.TERMS);
        fastCheck = new FastCheck(fhir);
        gate = new ValidationGate(true, 5, 10_000, keys, fastCheck, new ProfileSelfCheck(validator, fhir), fhir);
    }

    /**
     * Runs every golden case with {@code generatedPerCase} generated records each; the adversarial
     * value mutations go to the golden mapping and to every {@code mutateEvery}-th generated one.
     */
    public Result run(long seed, int generatedPerCase, int mutateEvery) throws Exception {
        GateInputs inputs = new GateInputs(seed);
        for (String c : GoldenCases.cases().toList()) {
            MappedRecord golden = GoldenCases.map(c);
            if (!errors(golden).isEmpty()) {
                throw new IllegalStateException("golden case " + c + " fails validation");
            }
            record(c, golden);
            mutations(c, inputs, GoldenCases.map(c));
            for (int i = 0; i < generatedPerCase; i++) {
                MappedRecord generated = inputs.generated(c, i % 2 == 0);
                if (generated == null) {
                    continue;
                }
                record(c + " generated " + i, generated);
                if (mutateEvery > 0 && i % mutateEvery == 0) {
                    mutations(c + " generated " + i, inputs, generated);
                }
            }
            structural(c, GoldenCases.map(c));
            for (MappedRecord mutated : GateInputs.placeholderMutations(GoldenCases.map(c))) {
                record(c + " placeholders", mutated);
            }
            // A shape that always fails, with different values: the metamorphic check sees failing verdicts too.
            for (int i = 0; i < 3; i++) {
                MappedRecord broken = inputs.generated(c, false);
                if (broken != null) {
                    breakStructure(broken);
                    record(c + " broken " + i, broken);
                }
            }
        }
        return new Result(cases, passedByGate, fullValidations, disagreements, metamorphic, unchangedKeys);
    }

    /** Each adversarial value mutation of the sample, on a copy of it. */
    private void mutations(String label, GateInputs inputs, MappedRecord sample) {
        List<Consumer<MappedRecord>> mutations = inputs.mutations(sample);
        for (int m = 0; m < mutations.size(); m++) {
            MappedRecord mutated = GateInputs.copy(sample);
            mutations.get(m).accept(mutated);
            if (fastCheck.check(mutated) == FastCheck.Verdict.VALID || gate.decide(mutated).passes()) {
                record(label + " mutation " + m, mutated);
            } else {
                cases++; // FastCheck asks: the validator would be asked, so nothing to disagree with
            }
        }
    }

    /** Each structural mutation must change the key; the mutated record goes through the gate too. */
    private void structural(String label, MappedRecord sample) {
        String key = keys.of(sample);
        List<Consumer<MappedRecord>> mutations = GateInputs.structuralMutations();
        for (int m = 0; m < mutations.size(); m++) {
            MappedRecord mutated = GateInputs.copy(sample);
            mutations.get(m).accept(mutated);
            if (keys.of(mutated).equals(key) && !GateInputs.sameJson(sample, mutated)) {
                unchangedKeys.add(label + " structural " + m);
            }
            record(label + " structural " + m, mutated);
        }
    }

    /** As VersionValidation does: the gate decides, the full validator answers and teaches it; plus the checks. */
    private void record(String label, MappedRecord record) {
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
