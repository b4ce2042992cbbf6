package org.ketabridge.config;

import java.util.List;

/**
 * Start-up stops on this: every problem found in {@code bridge.clinics}, each naming its clinic and
 * property (or in another part of the bridge's configuration, under a heading of its own).
 */
public class InvalidClinicConfigurationException extends RuntimeException {

    private final List<String> problems;

    public InvalidClinicConfigurationException(List<String> problems) {
        this("Invalid clinic configuration", problems);
    }

    /** @param heading what was being configured, e.g. "Invalid HL7 listener configuration" */
    public InvalidClinicConfigurationException(String heading, List<String> problems) {
        super(heading + ":\n - " + String.join("\n - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
