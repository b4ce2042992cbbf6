package org.ketabridge.auditor.server;

import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Mounts the auditors' FHIR endpoint at /fhir in the bridge's web server. */
@Configuration
public class FhirEndpointConfig {

    @Bean
    public ServletRegistrationBean<FhirEndpointServlet> fhirEndpoint(AuditorStore store) {
        ServletRegistrationBean<FhirEndpointServlet> registration =
                new ServletRegistrationBean<>(new FhirEndpointServlet(store), "/fhir/*");
        registration.setName("fhir");
        return registration;
    }
}
