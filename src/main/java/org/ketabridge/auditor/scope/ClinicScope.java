package org.ketabridge.auditor.scope;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ketabridge.config.PartitionNames;
import org.ketabridge.security.Caller;
import org.ketabridge.security.Role;

/**
 * The clinics a request to /fhir may see: those its caller's token covers (an admin: every
 * partition, the default one included), narrowed by the request's {@code clinic} parameter when
 * it has one ($export, $export-poll-status, $controlled-substance-log, $rems-forms). The one rule for every
 * use of {@code clinic}: it can only narrow. A clinic the token does not cover, or one the bridge
 * does not have, is answered 404 as for a clinic that does not exist (a token never tells which
 * other clinics there are), never as an empty answer that could pass for "nothing happened there".
 */
public record ClinicScope(boolean everyPartition, List<String> clinics) {

    public static final String PARAMETER = "clinic";

    public static ClinicScope of(RequestDetails request, Caller caller, Set<String> known) {
        Optional<String> named = named(request);
        if (named.isPresent()) {
            if (!known.contains(named.get()) || !caller.covers(named.get())) {
                throw new ResourceNotFoundException("No clinic '" + named.get() + "' is configured");
            }
            return new ClinicScope(false, List.of(named.get()));
        }
        if (caller.role() == Role.ADMIN) {
            return new ClinicScope(true, List.of());
        }
        return new ClinicScope(false, known.stream().filter(caller::covers).sorted().toList());
    }

    /** The clinic a request names, if it names one; naming several is a bad request, not a wider scope. */
    public static Optional<String> named(RequestDetails request) {
        String[] values = request.getParameters() == null ? null : request.getParameters().get(PARAMETER);
        if (values == null || values.length == 0) {
            return Optional.empty();
        }
        if (values.length > 1) {
            throw new InvalidRequestException("Name at most one clinic");
        }
        return Optional.of(values[0]);
    }

    /** The one clinic this scope is, if it is exactly one (what an export is of). */
    Optional<String> single() {
        return !everyPartition && clinics.size() == 1 ? Optional.of(clinics.get(0)) : Optional.empty();
    }

    /** Whether everything this other scope could see, this one can see too. */
    public boolean includes(ClinicScope other) {
        return everyPartition || !other.everyPartition && clinics.containsAll(other.clinics);
    }

    /** HAPI's partitions for this scope; no clinic at all reads the partition that is never written. */
    RequestPartitionId partitions() {
        if (everyPartition) {
            return RequestPartitionId.allPartitions();
        }
        return clinics.isEmpty() ? RequestPartitionId.fromPartitionName(ClinicScopeInterceptor.NO_CLINIC)
                : RequestPartitionId.fromPartitionNames(clinics.stream().map(PartitionNames::of).toList());
    }
}
