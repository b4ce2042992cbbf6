package org.ketabridge.intake;

import java.util.List;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;

/**
 * The rules of one record kind that look beyond the record, at what the bridge already stores (a
 * dose against its encounter: {@link DoseRules}). They are the seam that keeps {@link RecordIntake}
 * the same for every kind and every channel: it asks each batch's kind for its rules once, after
 * the contract's checks, so what they read from the database is read once per batch, not once per
 * record. A kind without such rules has none ({@link Checks#NONE}).
 */
public interface KindRules {

    RecordKind kind();

    /** The rules for one batch of valid records of this kind, with what they need from the database read now. */
    Checks prepare(Clinic clinic, List<ValidatedRecord> records);

    /** The rules bound to one batch. */
    interface Checks {

        Checks NONE = new Checks() {
            @Override public List<FieldError> errors(ValidatedRecord record) { return List.of(); }
            @Override public List<Warning> warnings(ValidatedRecord record) { return List.of(); }
        };

        /** Why the record is rejected after all (none: it is accepted). */
        List<FieldError> errors(ValidatedRecord record);

        /** What to look at in the record, which is accepted all the same. */
        List<Warning> warnings(ValidatedRecord record);
    }
}
