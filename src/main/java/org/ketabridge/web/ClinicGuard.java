package org.ketabridge.web;

import org.apache.camel.Exchange;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.springframework.stereotype.Component;

/**
 * The one answer of every endpoint under {@code /api/v1/clinics/{clinicId}} to a clinic it may not
 * serve: 404, "No clinic 'x' is configured". The same answer whether the bridge has no such clinic
 * (the routes ask here) or the caller's token does not cover it (the security chain answers with
 * {@link #unknownClinic}), so a token never tells its holder which other clinics there are.
 */
@Component
public class ClinicGuard {

    /** The path variable the routes carry the clinic in. */
    private static final String CLINIC_ID = "clinicId";

    private final ClinicRegistry clinics;

    public ClinicGuard(ClinicRegistry clinics) {
        this.clinics = clinics;
    }

    /** The clinic the request names, or an {@link HttpProblem} 404 when the bridge has none by that id. */
    public Clinic require(Exchange exchange) {
        String clinicId = exchange.getIn().getHeader(CLINIC_ID, String.class);
        return clinics.find(clinicId).orElseThrow(() -> unknownClinic(clinicId));
    }

    /** The problem answered for a clinic that does not exist, or that the caller may not know of. */
    public static HttpProblem unknownClinic(String clinicId) {
        return HttpProblem.notFound("No clinic '" + clinicId + "' is configured");
    }
}
