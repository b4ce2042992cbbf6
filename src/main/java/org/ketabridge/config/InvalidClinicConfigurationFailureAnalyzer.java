package org.ketabridge.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad clinics file into Spring Boot's short "APPLICATION FAILED TO START" report, not a stack trace. */
public class InvalidClinicConfigurationFailureAnalyzer
        extends AbstractFailureAnalyzer<InvalidClinicConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidClinicConfigurationException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Correct the named properties and start the bridge again.",
                cause);
    }
}
