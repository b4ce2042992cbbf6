package org.ketabridge.auditor.scope;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import java.util.EnumSet;
import java.util.Set;
import org.ketabridge.security.Caller;

/**
 * What /fhir answers, decided on what HAPI itself made of the request (its interaction type and
 * operation), not on the shape of a path: an allow-list of what auditors need, for every caller,
 * admins included.
 * <ul>
 *   <li>Reading: the CapabilityStatement, read, vread, search (GET, or POST to {@code _search},
 *       FHIR's search with a form body), history and paging. Each of these HAPI limits to the
 *       caller's partitions ({@link ClinicScopeInterceptor}).</li>
 *   <li>Four operations, by GET: {@code $controlled-substance-log}, {@code $rems-forms}, {@code $export} and
 *       {@code $export-poll-status}, each of one clinic within the caller's scope.</li>
 * </ul>
 * Anything else that changes the store (create, update, patch, delete, transaction,
 * {@code $meta-add}, {@code $meta-delete}, {@code $expunge}, {@code $reindex}, ...) is 405 for
 * everyone: the store holds only what the bridge wrote, and its audit trail is append-only.
 * Any other reading operation is 403: HAPI's system and type level operations
 * ({@code $meta}, {@code $get-resource-counts}, {@code $diff}, {@code $everything}, ...) are
 * not all partition-aware, and an allow-list cannot be caught out by one added in a later HAPI.
 * A {@code clinic} parameter out of the caller's scope is 404 here, before anything runs.
 */
@Interceptor
public class AllowedInteractions {

    private static final Set<RestOperationTypeEnum> READS = EnumSet.of(RestOperationTypeEnum.METADATA,
            RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD, RestOperationTypeEnum.SEARCH_TYPE,
            RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE,
            RestOperationTypeEnum.HISTORY_SYSTEM, RestOperationTypeEnum.GET_PAGE);
    private static final Set<RestOperationTypeEnum> SEARCHES = EnumSet.of(RestOperationTypeEnum.SEARCH_TYPE,
            RestOperationTypeEnum.SEARCH_SYSTEM);
    private static final Set<RestOperationTypeEnum> OPERATIONS = EnumSet.of(RestOperationTypeEnum.EXTENDED_OPERATION_SERVER,
            RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE);
    static final Set<String> OFFERED_OPERATIONS = Set.of("$controlled-substance-log", "$rems-forms", "$export", "$export-poll-status");

    private final Set<String> clinics;

    public AllowedInteractions(Set<String> clinics) {
        this.clinics = Set.copyOf(clinics);
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void onlyWhatAuditorsNeed(RequestDetails request, RestOperationTypeEnum interaction) {
        RequestTypeEnum method = request.getRequestType();
        boolean read = method == RequestTypeEnum.GET && (READS.contains(interaction)
                || OPERATIONS.contains(interaction) && OFFERED_OPERATIONS.contains(request.getOperation()));
        boolean search = method == RequestTypeEnum.POST && SEARCHES.contains(interaction);
        if (!read && !search) {
            if (method != RequestTypeEnum.GET) {
                throw new MethodNotAllowedException("This FHIR endpoint is read-only", RequestTypeEnum.GET);
            }
            throw new ForbiddenOperationException("This FHIR endpoint answers reads, searches, history, paging and "
                    + String.join(", ", OFFERED_OPERATIONS.stream().sorted().toList()) + " only");
        }
        // Refuse a clinic out of scope before the operation starts anything (an export job, say).
        Caller.current().ifPresent(caller -> ClinicScope.of(request, caller, clinics));
    }
}
