package org.ketabridge.auditor.scope;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.ketabridge.config.PartitionNames;
import org.ketabridge.security.Caller;

/**
 * Which clinics' data a request to /fhir may touch: the partitions of the clinics the caller's
 * token covers, and nothing else. HAPI applies this to every way of reaching a resource (read,
 * search, _include, _revinclude, history, paging, operations), so what is out of scope is simply
 * not there: a read answers 404, a search finds nothing. An admin sees every partition,
 * including the default one, which holds the audit trail of requests that named no clinic.
 * The bridge's own writes name their clinic's partition explicitly (SystemRequestDetails).
 */
@Interceptor
public class ClinicScopeInterceptor {

    /** A partition that is never written: the scope of a token that covers no clinic the bridge has. */
    public static final String NO_CLINIC = PartitionNames.NO_CLINIC;

    /** The configured clinics' ids (each clinic's partition is named by {@link PartitionNames}). */
    private final Set<String> clinicPartitions;

    public ClinicScopeInterceptor(Set<String> clinicPartitions) {
        this.clinicPartitions = Set.copyOf(clinicPartitions);
    }

    @Hook(Pointcut.STORAGE_PARTITION_IDENTIFY_READ)
    public RequestPartitionId readScope(RequestDetails request) {
        // A request's ?clinic= narrows the caller's scope, never widens it (ClinicScope).
        if (request instanceof SystemRequestDetails system) {
            return system.getRequestPartitionId() != null ? system.getRequestPartitionId() : RequestPartitionId.allPartitions();
        }
        Caller caller = Caller.current().orElseThrow(() -> new ForbiddenOperationException("No caller"));
        return ClinicScope.of(request, caller, clinicPartitions).partitions();
    }

    @Hook(Pointcut.STORAGE_PARTITION_IDENTIFY_CREATE)
    public RequestPartitionId createScope(RequestDetails request, IBaseResource resource) {
        if (request instanceof SystemRequestDetails system) {
            if (system.getRequestPartitionId() != null) {
                return system.getRequestPartitionId();
            }
            // HAPI's own jobs: an export's file goes to the partition of the clinic exported; anything
            // else where the resource says, else the default partition.
            Optional<String> exported = ClinicExportInterceptor.clinicOfFile(resource).filter(clinicPartitions::contains);
            if (exported.isPresent()) {
                return RequestPartitionId.fromPartitionName(PartitionNames.of(exported.get()));
            }
            return RequestPartitionId.getPartitionIfAssigned(resource).orElse(RequestPartitionId.defaultPartition());
        }
        throw new ForbiddenOperationException("Only the bridge writes to this store");
    }
}
