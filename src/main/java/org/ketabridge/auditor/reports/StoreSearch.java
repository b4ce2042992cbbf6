package org.ketabridge.auditor.reports;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Reads of the auditors' store within the partitions one reader may see: what a report reads,
 * whether it answers an auditor's operation on /fhir (the caller's partitions, as HAPI decided
 * them) or a console page (the one clinic the page shows). A report built on it gives the same
 * answer to both.
 */
public interface StoreSearch {

    /** Every resource the search finds, in the order the store gives them; more than {@code limit} is refused, never cut short. */
    <T extends IBaseResource> List<T> search(Class<T> type, SearchParameterMap search, int limit);

    /** The resource a reference names, if it is within these partitions. */
    <T extends IBaseResource> Optional<T> read(Class<T> type, String reference);

    /** More than a report reads at once: the reader asks for a shorter period or a narrower search. */
    class TooManyResults extends RuntimeException {
        public TooManyResults(int limit) {
            super("More than " + limit + " results: ask for a shorter period");
        }
    }
}
