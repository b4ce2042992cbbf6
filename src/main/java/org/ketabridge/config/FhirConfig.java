package org.ketabridge.config;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class FhirConfig {

    /** One R4 context for the whole bridge: it is expensive to build and thread-safe to share. */
    @Bean
    public FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }
}
