package org.ketabridge.ehr.auth;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.springframework.stereotype.Component;

/**
 * How each clinic's EHR requests are authorized (issue 13): the one place the EHR client asks for
 * its {@code Authorization} header. A fixed header for basic and bearer; for smart-backend and
 * client-secret an access token from the EHR's token endpoint ({@link ClinicTokens}), renewed
 * before it expires and after a 401.
 */
@Component
public class EhrTokens {

    private final Map<String, ClinicTokens> byClinic;

    public EhrTokens(ClinicRegistry clinics, Clock clock) {
        this.byClinic = clinics.all().stream()
                .filter(c -> c.ehr().auth() != null && c.ehr().auth().usesTokens())
                .map(c -> new ClinicTokens(c, clock))
                .collect(Collectors.toUnmodifiableMap(t -> t.status().clinicId(), Function.identity()));
    }

    /** Where the clinic's EHR requests get their Authorization header. */
    public EhrAuthorization of(Clinic clinic) {
        ClinicTokens tokens = byClinic.get(clinic.id());
        return tokens != null ? tokens : EhrAuthorization.fixed(clinic.ehr().authorizationHeader());
    }

    /** The token state of every clinic that uses tokens, by clinic id. */
    public List<TokenStatus> status() {
        return byClinic.values().stream().map(ClinicTokens::status)
                .sorted((a, b) -> a.clinicId().compareTo(b.clinicId())).toList();
    }
}
