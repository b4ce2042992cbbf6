package org.ketabridge.auditor.server;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.jpa.searchparam.registry.SearchParamRegistryImpl;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * Makes HAPI's search parameters exactly {@link IndexedSearchParameters}: with HAPI's defaults
 * off (AuditorStoreConfiguration) it knows only the SearchParameter resources stored, so at each
 * start the listed ones are written (in the default partition, where HAPI keeps them; an
 * unchanged one is left alone) and one the store wrote before but no longer lists is retired.
 * What was indexed before stays in HAPI's tables, unused, until its resource is written again.
 */
final class ActiveSearchParameters {

    private ActiveSearchParameters() {
    }

    static void install(DaoRegistry daos, SearchParamRegistryImpl registry) {
        IFhirResourceDao<SearchParameter> dao = daos.getResourceDao(SearchParameter.class);
        SystemRequestDetails request = SystemRequestDetails.forRequestPartitionId(RequestPartitionId.defaultPartition());
        Map<String, SearchParameter> stored = dao.search(SearchParameterMap.newSynchronous(), request).getAllResources().stream()
                .map(SearchParameter.class::cast)
                .filter(sp -> sp.getUrl() != null && sp.getUrl().startsWith(IndexedSearchParameters.URL_BASE))
                .collect(Collectors.toMap(sp -> sp.getIdElement().getIdPart(), Function.identity()));
        List<SearchParameter> wanted = IndexedSearchParameters.definitions(dao.getContext());
        for (SearchParameter sp : wanted) {
            SearchParameter before = stored.remove(sp.getIdElement().getIdPart());
            if (before == null || !same(before, sp)) {
                dao.update(sp, request);
            }
        }
        for (SearchParameter unlisted : stored.values()) {
            if (unlisted.getStatus() != Enumerations.PublicationStatus.RETIRED) {
                unlisted.setStatus(Enumerations.PublicationStatus.RETIRED);
                dao.update(unlisted, request);
            }
        }
        registry.forceRefresh();
    }

    private static boolean same(SearchParameter a, SearchParameter b) {
        return a.getStatus() == b.getStatus() && a.getCode().equals(b.getCode()) && a.getType() == b.getType()
                && a.getExpression().equals(b.getExpression())
                && a.getBase().stream().map(t -> t.getValue()).toList().equals(b.getBase().stream().map(t -> t.getValue()).toList())
                && a.getTarget().stream().map(t -> t.getValue()).toList().equals(b.getTarget().stream().map(t -> t.getValue()).toList());
    }
}
