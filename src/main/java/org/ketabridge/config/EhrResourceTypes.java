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
            "Organization", "EpisodeOfCare", "Flag");

    private EhrResourceTypes() {
    }

    /** The type as FHIR spells it, for a name written in any case ({@code medicationadministration}, as an environment variable gives it). */
    public static Optional<String> canonical(String name) {
        return name == null ? Optional.empty()
                : WRITTEN.stream().filter(t -> t.equalsIgnoreCase(name.trim())).findFirst();
    }
}
