package org.ketabridge.intake;

import java.util.List;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/**
 * An encounter's warnings: {@code readyToLeaveMinutes} is a Spravato REMS item, meaningful only for
 * esketamine, which is only given intranasally. On an IV or IM session it is kept and mapped, but the
 * sender is told: a warning rather than a rejection, because the value is plausible clinical data and
 * refusing it would refuse the whole session with it. Nothing here reads the database.
 */
@Component
class EncounterRules implements KindRules {

    private static final String ESKETAMINE_MODALITY = "intranasal";

    @Override
    public RecordKind kind() {
        return RecordKind.ENCOUNTER;
    }

    @Override
    public Checks prepare(Clinic clinic, List<ValidatedRecord> records) {
        return new Checks() {
            @Override
            public List<FieldError> errors(ValidatedRecord encounter) {
                return List.of();
            }

            @Override
            public List<Warning> warnings(ValidatedRecord encounter) {
                String modality = encounter.content().path("modality").asText();
                if (encounter.content().hasNonNull("readyToLeaveMinutes") && !ESKETAMINE_MODALITY.equals(modality)) {
                    return List.of(new Warning("readyToLeaveMinutes", "is a Spravato REMS item (esketamine, given intranasally);"
                            + " this session is " + modality + ": kept, but no REMS monitoring form reads it"));
                }
                return List.of();
            }
        };
    }
}
