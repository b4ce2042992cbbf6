package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.SimpleRequestHeaderInterceptor;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/** Reading what a FHIR server (an EHR, or the auditors' store) holds, as the end-to-end tests check it. */
final class EhrSearch {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private EhrSearch() {
    }

    /** A client of that server, sending that Authorization header (null: none). */
    static IGenericClient client(String baseUrl, String authorization) {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = FHIR.newRestfulGenericClient(baseUrl);
        if (authorization != null) {
            IClientInterceptor header = new SimpleRequestHeaderInterceptor("Authorization", authorization);
            client.registerInterceptor(header);
        }
        return client;
    }

    /** The one resource of that type with that identifier (asserted: exactly one). */
    static <T extends Resource> T only(IGenericClient ehr, Class<T> type, String system, String value) {
        Bundle found = ehr.search().forResource(type)
                .where(new TokenClientParam("identifier").exactly().systemAndCode(system, value))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).as(type.getSimpleName() + " " + system + "|" + value).hasSize(1);
        return type.cast(found.getEntryFirstRep().getResource());
    }

    /** {@code Type/id}, as a reference to it reads. */
    static String id(Resource r) {
        return r.getIdElement().toUnqualifiedVersionless().getValue();
    }
}
