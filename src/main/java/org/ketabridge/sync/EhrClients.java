package org.ketabridge.sync;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.EhrType;
import org.ketabridge.db.EhrResources;
import org.ketabridge.ehr.EhrRequestObserver;
import org.ketabridge.ehr.auth.EhrTokens;
import org.ketabridge.ehr.fhir.EhrPlans;
import org.ketabridge.ehr.fhir.FhirEhrClient;
import org.springframework.stereotype.Component;

/** One EHR client per clinic that syncs over FHIR, each with its own connections and timeouts. */
@Component
public class EhrClients {

    private final Map<String, FhirEhrClient> byClinic;

    public EhrClients(ClinicRegistry clinics, FhirContext fhir, EhrPlans plans, EhrTokens tokens, EhrResources intents,
                      EhrRequestObserver requests) {
        this.byClinic = clinics.all().stream()
                .filter(c -> c.ehr().type() == EhrType.FHIR)
                .map(c -> new FhirEhrClient(c, fhir, plans, tokens.of(c), intents, Clock.systemUTC(), requests))
                .collect(Collectors.toUnmodifiableMap(FhirEhrClient::clinicId, Function.identity()));
    }

    public FhirEhrClient of(String clinicId) {
        FhirEhrClient client = byClinic.get(clinicId);
        if (client == null) {
            throw new IllegalStateException("Clinic " + clinicId + " has no FHIR EHR");
        }
        return client;
    }
}
