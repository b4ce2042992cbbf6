package org.ketabridge.console;

import org.ketabridge.auditor.reports.StoreSearch;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.config.Clinic;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * The auditors' store as the console's auditor pages read it: one clinic's partition, the clinic
 * the page's scope check gave (never a clinic from elsewhere), or the 503 page while the store
 * starts, as /fhir answers then.
 */
@Component
class AuditorStoreReads {

    private final AuditorStore store;

    AuditorStoreReads(AuditorStore store) {
        this.store = store;
    }

    StoreSearch of(Clinic scoped) {
        return store.searchWithin(scoped.id()).orElseThrow(() -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                "The auditors' store is starting: try again in a minute."));
    }
}
