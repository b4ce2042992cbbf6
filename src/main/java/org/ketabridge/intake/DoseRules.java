package org.ketabridge.intake;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/**
 * A dose checked against its encounter as stored, when it is (the encounters of a batch's doses
 * are read in one lookup): its patient must be the encounter's, and {@link DoseWarnings} reads the
 * session's monitoring time and vital signs. A dose whose encounter has not arrived yet is checked
 * on its own.
 */
@Component
class DoseRules implements KindRules {

    private final RecordVersions records;
    private final DoseWarnings doseWarnings;

    DoseRules(RecordVersions records, DoseWarnings warnings) {
        this.records = records;
        this.doseWarnings = warnings;
    }

    @Override
    public RecordKind kind() {
        return RecordKind.DOSE;
    }

    @Override
    public Checks prepare(Clinic clinic, List<ValidatedRecord> doses) {
        Map<String, StoredVersion> encounters = records.latestOf(clinic.id(), RecordKind.ENCOUNTER.name(),
                doses.stream().map(ValidatedRecord::encounterId).filter(Objects::nonNull).toList());
        return new Checks() {
            @Override
            public List<FieldError> errors(ValidatedRecord dose) {
                return patientMatchesEncounter(dose, encounters.get(dose.encounterId()));
            }

            @Override
            public List<Warning> warnings(ValidatedRecord dose) {
                return doseWarnings.check(dose, Optional.ofNullable(encounters.get(dose.encounterId())));
            }
        };
    }

    /** "patientMrn must match the encounter's patient once both are known." */
    private static List<FieldError> patientMatchesEncounter(ValidatedRecord dose, StoredVersion encounter) {
        if (encounter != null && !encounter.patientMrn().equals(dose.patientMrn())) {
            return List.of(new FieldError("patientMrn", "does not match the patient of encounter " + dose.encounterId()));
        }
        return List.of();
    }
}
