package org.ketabridge.config;

import java.util.List;
import java.util.Optional;

/**
 * The FHIR resource types the bridge writes to an EHR (contained ones, such as a dose's
 * Medication, are not written on their own), in the order start-up reports a clinic's plan.
 * {@code ehr.resources.<ResourceType>} names one of these; a test keeps the list in step with
 * what the mappers make.
 */
public final class EhrResourceTypes {

    public static final List<String> WRITTEN = List.of(
            "Patient", "Encounter", "Observation", "MedicationAdministration", "Provenance",
            "Organization", "EpisodeOfCare", "Flag", "QuestionnaireResponse");

    /**
     * The REMS monitoring form (issue 18): sent only where the EHR is a full FHIR server (a configured
     * write mode, or a statement that makes it {@code conditional-update}), or where clinic IT names a
     * strategy for it; otherwise {@code none} (WritePlan). A commercial EHR that takes QuestionnaireResponse
     * at all takes it for its own forms (a patient portal's questionnaires): a form of the bridge's there
     * is clinic IT's decision, not a default.
     */
    public static final String OPT_IN = "QuestionnaireResponse";

    private EhrResourceTypes() {
    }

    /** The type as FHIR spells it, for a name written in any case ({@code medicationadministration}, as an environment variable gives it). */
    public static Optional<String> canonical(String name) {
        return name == null ? Optional.empty()
                : WRITTEN.stream().filter(t -> t.equalsIgnoreCase(name.trim())).findFirst();
    }
}
