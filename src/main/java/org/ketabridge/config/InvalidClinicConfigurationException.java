package org.ketabridge.config;

import java.util.List;

/** Start-up stops on this: every problem found in {@code bridge.clinics}, each naming its clinic and property. */
public class InvalidClinicConfigurationException extends RuntimeException {

    private final List<String> problems;

    public InvalidClinicConfigurationException(List<String> problems) {
        super("Invalid clinic configuration:\n - " + String.join("\n - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
