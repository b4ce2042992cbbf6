package org.ketabridge.auditor.scope;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.ketabridge.security.Caller;

/**
 * An export ($export) is of one clinic: the one clinic of the caller's token, or, for a token
 * covering several, the one named by {@code ?clinic=} on the kick-off and on the status poll.
 * HAPI reads only that clinic's partition for it ({@link ClinicScopeInterceptor} narrows the
 * request), and the export's NDJSON files are marked with the clinic (the Binary's security
 * context) so that they are stored in that clinic's partition: its auditors can fetch them,
 * nobody else can.
 */
@Interceptor
public class ClinicExportInterceptor {

    static final String EXPORT_CLINIC = "urn:ketabridge:export-clinic";

    /** The clinic an export request is for, if it names one its token covers, or its token covers exactly one. */
    static Optional<String> clinicOf(RequestDetails request, Set<String> clinics) {
        return Caller.current().flatMap(caller -> ClinicScope.of(request, caller, clinics).single());
    }

    /** The clinic an export's file belongs to, from the mark put on it at kick-off. */
    static Optional<String> clinicOfFile(IBaseResource resource) {
        if (resource instanceof Binary binary && binary.hasSecurityContext()
                && binary.getSecurityContext().hasIdentifier()
                && EXPORT_CLINIC.equals(binary.getSecurityContext().getIdentifier().getSystem())) {
            return Optional.of(binary.getSecurityContext().getIdentifier().getValue());
        }
        return Optional.empty();
    }

    private final Set<String> clinics;
    private final Function<String, Integer> partitionIdOf;

    /** @param partitionIdOf a clinic's partition id (HAPI's partition lookup) */
    public ClinicExportInterceptor(Set<String> clinics, Function<String, Integer> partitionIdOf) {
        this.clinics = Set.copyOf(clinics);
        this.partitionIdOf = partitionIdOf;
    }

    /**
     * Only the exported clinic's resources go into its files. HAPI's job runs as the system and
     * would gather every partition's resources of the types asked; this keeps the others out
     * (what it costs: the job reads past them, see BENCHMARKS.md).
     */
    @Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
    public boolean onlyTheExportedClinic(BulkExportJobParameters parameters, IBaseResource resource) {
        String clinic = parameters.getBinarySecurityContextIdentifierValue();
        if (clinic == null || !EXPORT_CLINIC.equals(parameters.getBinarySecurityContextIdentifierSystem())) {
            return false;
        }
        Integer wanted = partitionIdOf.apply(clinic);
        return RequestPartitionId.getPartitionIfAssigned(resource)
                .map(p -> p.hasPartitionIds() && p.getPartitionIds().size() == 1 && wanted.equals(p.getFirstPartitionIdOrNull()))
                .orElse(false);
    }

    @Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
    public void markFilesWithTheClinic(BulkExportJobParameters parameters, RequestDetails request) {
        String clinic = clinicOf(request, clinics).orElseThrow(() -> new InvalidRequestException(
                "An export is of one clinic: name it with ?clinic= (this token covers several, or none)"));
        parameters.setBinarySecurityContextIdentifierSystem(EXPORT_CLINIC);
        parameters.setBinarySecurityContextIdentifierValue(clinic);
    }
}
