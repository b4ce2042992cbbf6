package org.ketabridge.auditor.server;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The auditors' store once started: HAPI's JPA server in its own Spring context and what the
 * bridge uses of it. One value, set once the whole start succeeded, so that nothing sees a store
 * that is half started; closing it stops all of it.
 *
 * @param context the server's own Spring context ({@link AuditorStoreConfiguration})
 * @param system HAPI's system DAO, which writes transaction Bundles
 * @param server the RestfulServer that answers /fhir ({@link FhirEndpointServlet})
 * @param jobTimer what keeps HAPI's batch jobs moving (null in tests)
 * @param references what keeps HAPI's index of references complete ({@link AuditorStore#storeRecord})
 */
record RunningStore(ConfigurableApplicationContext context, IFhirSystemDao<Bundle, ?> system, RestfulServer server,
                    BatchJobTimer jobTimer, ReferenceIndex references) {

    void close() {
        if (jobTimer != null) {
            jobTimer.close();
        }
        context.close();
    }
}
