package org.ketabridge.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/**
 * An encounter's warnings: {@code readyToLeaveMinutes} is a Spravato REMS item, meaningful only for
 * esketamine, which is only given intranasally. On an IV or IM session it is kept and mapped, but the
 * sender is told: a warning rather than a rejection, because the value is plausible clinical data and
 * refusing it would refuse the whole session with it. And a dose stored before its encounter that
 * names another patient (the doses of a batch's encounters are read in one lookup): the encounter is
 * accepted, the sender told that the dose is not sent until one of them is corrected
 * (sync/ReferenceResolver holds it).
 */
@Component
class EncounterRules implements KindRules {

    private static final String ESKETAMINE_MODALITY = "intranasal";

    private final RecordVersions records;

    EncounterRules(RecordVersions records) {
        this.records = records;
    }

    @Override
    public RecordKind kind() {
        return RecordKind.ENCOUNTER;
    }

    @Override
    public Checks prepare(Clinic clinic, List<ValidatedRecord> encounters) {
        Map<String, List<StoredVersion>> dosesBySession = records.latestOfEncounters(clinic.id(), RecordKind.DOSE.name(),
                        encounters.stream().map(ValidatedRecord::recordId).toList()).stream()
                .collect(Collectors.groupingBy(StoredVersion::encounterId));
        return new Checks() {
            @Override
            public List<FieldError> errors(ValidatedRecord encounter) {
                return List.of();
            }

            @Override
            public List<Warning> warnings(ValidatedRecord encounter) {
                List<Warning> warnings = new ArrayList<>();
                String modality = encounter.content().path("modality").asText();
                if (encounter.content().hasNonNull("readyToLeaveMinutes") && !ESKETAMINE_MODALITY.equals(modality)) {
                    warnings.add(new Warning("readyToLeaveMinutes", "is a Spravato REMS item (esketamine, given intranasally);"
                            + " this session is " + modality + ": kept, but no REMS monitoring form reads it"));
                }
                for (StoredVersion dose : dosesBySession.getOrDefault(encounter.recordId(), List.of())) {
                    if (!dose.patientMrn().equals(encounter.patientMrn())) {
                        warnings.add(new Warning("patientMrn", "dose " + dose.recordId() + " of this session names another"
                                + " patient: it is not sent to the EHR until the dose or this encounter is corrected"));
                    }
                }
                return warnings;
            }
        };
    }
}
