package org.ketabridge.validation;

import java.time.Clock;
import org.ketabridge.db.ValidatedVersions;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingException;
import org.springframework.stereotype.Component;

/**
 * Validation once per record version, not once per destination. A version is mapped twice,
 * for its EHR and for the auditors' store, by the same mapper from the same content; the two
 * differ only in what their references point at, which the validator checks for form and
 * never follows. Validation costs about a thousand times what mapping does (BENCHMARKS.md),
 * so the first mapping of a version is validated and the second reuses that verdict.
 * A version that fails is not remembered: each path fails it with the validator's messages.
 */
@Component
public class VersionValidation {

    private final ResourceValidator validator;
    private final ValidatedVersions verdicts;
    private final Clock clock;

    public VersionValidation(ResourceValidator validator, ValidatedVersions verdicts, Clock clock) {
        this.validator = validator;
        this.verdicts = verdicts;
        this.clock = clock;
    }

    /** Throws {@link MappingException} with the validator's messages unless this version's FHIR is valid. */
    public void check(long recordVersionId, MappedRecord mapped) {
        if (verdicts.contains(recordVersionId)) {
            return;
        }
        validator.check(mapped);
        verdicts.add(recordVersionId, clock.instant());
    }
}
