package org.ketabridge.auditor.reports;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;

/**
 * {@link StoreSearch} over HAPI's DAOs, as the bridge within the partitions given: a report never
 * reads through the caller's paging (HAPI would hand the caller's search out in pages of its
 * paging provider), and never outside what the caller may see.
 */
public final class DaoStoreSearch implements StoreSearch {

    private static final int PAGE = 500;

    private final DaoRegistry daos;
    private final SystemRequestDetails within;

    public DaoStoreSearch(DaoRegistry daos, SystemRequestDetails within) {
        this.daos = daos;
        this.within = within;
    }

    @Override
    public <T extends IBaseResource> List<T> search(Class<T> type, SearchParameterMap search, int limit) {
        search.setLoadSynchronous(true);
        IBundleProvider result = daos.getResourceDao(type).search(search, within);
        List<T> all = new ArrayList<>();
        // HAPI hands a result out in pages whatever was asked.
        while (true) {
            List<IBaseResource> page = result.getResources(all.size(), all.size() + PAGE);
            if (page.isEmpty()) {
                return all;
            }
            page.forEach(r -> all.add(type.cast(r)));
            if (all.size() > limit) {
                throw new TooManyResults(limit);
            }
        }
    }

    @Override
    public <T extends IBaseResource> Optional<T> read(Class<T> type, String reference) {
        try {
            return Optional.of(daos.getResourceDao(type).read(new IdType(reference), within));
        } catch (ResourceNotFoundException | ResourceGoneException notHere) {
            return Optional.empty();
        }
    }
}
