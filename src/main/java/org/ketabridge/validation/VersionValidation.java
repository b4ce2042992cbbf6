package org.ketabridge.validation;

import java.time.Clock;
import java.time.Duration;
import org.ketabridge.db.ValidatedVersions;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Validation once per record version, not once per destination. A version is mapped twice,
 * for its EHR and for the auditors' store, by the same mapper from the same content; the two
 * differ only in what their references point at, which the validator checks for form and
 * never follows. Validation costs about a thousand times what mapping does (BENCHMARKS.md),
 * so the first mapping of a version is validated and the second reuses that verdict.
 * A version that fails is not remembered: each path fails it with the validator's messages.
 *
 * <p>The one place the bridge asks for a verdict: a version of a shape the {@link ValidationGate}
 * has admitted, whose values pass its fast check, needs no full validation; every other goes to
 * the full validator, whose verdict teaches the gate. Such a version does not wait for HAPI's
 * validator to load (a restarted bridge sends records of shapes admitted before at once); a sample
 * of them is validated in full later, off this path ({@link Tripwire}).
 */
@Component
public class VersionValidation {

    private final ResourceValidator validator;
    private final ValidationGate gate;
    private final ValidatedVersions verdicts;
    private final Tripwire tripwire;
    private final Clock clock;

    private final ValidationMeters meters;

    /** Without a tripwire or meters. */
    public VersionValidation(ResourceValidator validator, ValidationGate gate, ValidatedVersions verdicts, Clock clock) {
        this(validator, gate, verdicts, Tripwire.off(), clock, ValidationMeters.none());
    }

    @Autowired
    public VersionValidation(ResourceValidator validator, ValidationGate gate, ValidatedVersions verdicts, Tripwire tripwire,
                             Clock clock, ValidationMeters meters) {
        this.meters = meters;
        this.validator = validator;
        this.gate = gate;
        this.verdicts = verdicts;
        this.tripwire = tripwire;
        this.clock = clock;
    }

    /**
     * Throws {@link MappingException} with the validator's messages unless this version (of
     * {@code clinicId}, for the tripwire's report) has valid FHIR.
     */
    public void check(long recordVersionId, String clinicId, MappedRecord mapped) {
        if (verdicts.contains(recordVersionId)) {
            return;
        }
        ValidationGate.Decision decision = gate.decide(mapped);
        if (decision.passes()) {
            meters.gatePassed();
        } else {
            long start = System.nanoTime();
            try {
                validator.check(mapped);
            } catch (MappingException e) {
                meters.fullValidation(Duration.ofNanos(System.nanoTime() - start), false);
                gate.rejected(decision);
                throw e;
            }
            meters.fullValidation(Duration.ofNanos(System.nanoTime() - start), true);
            gate.validated(decision, mapped);
        }
        verdicts.add(recordVersionId, clock.instant());
        if (decision.passes()) {
            // After the verdict is stored: a disagreement found later removes it.
            tripwire.passed(recordVersionId, clinicId, decision, mapped);
        }
    }
}
