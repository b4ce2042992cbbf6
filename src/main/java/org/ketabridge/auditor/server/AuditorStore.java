package org.ketabridge.auditor.server;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.partition.IRequestPartitionHelperSvc;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.auditor.reports.DaoStoreSearch;
import org.ketabridge.auditor.reports.StoreSearch;
import org.ketabridge.db.LateReferences;
import org.springframework.stereotype.Component;

/**
 * The auditors' FHIR store, as the rest of the bridge sees it: whether it is ready, and the few
 * writes the bridge makes into it, always as the bridge (never as a caller): a record into its
 * clinic's partition (the store route, auditor/feed), the access audit trail (audit), and the
 * RestfulServer that answers /fhir ({@link FhirEndpointServlet}); and one clinic's reads for the
 * console's auditor pages ({@link #searchWithin}). Narrow on purpose: how the
 * store starts and stops ({@link StoreLifecycle}, {@link JpaServerLauncher}), its partitions
 * ({@link ClinicPartitions}) and its health ({@link AuditorStoreHealth}) are no business of its
 * callers. Until it is ready, a write throws and /fhir answers 503.
 */
@Component("auditorStore")
public class AuditorStore {

    private final StoreLifecycle lifecycle;
    private final LateReferences lateReferences;
    private final Clock clock;

    AuditorStore(StoreLifecycle lifecycle, LateReferences lateReferences, Clock clock) {
        this.lifecycle = lifecycle;
        this.lateReferences = lateReferences;
        this.clock = clock;
    }

    public boolean isReady() {
        return lifecycle.running().isPresent();
    }

    /** The HAPI RestfulServer that answers /fhir, once the store is ready. */
    public Optional<RestfulServer> restfulServer() {
        return lifecycle.running().map(RunningStore::server);
    }

    /** One of the store's own beans, once it is ready (for this package's tests: HAPI's caches, say). */
    <T> Optional<T> storeBean(Class<T> type) {
        return lifecycle.running().map(r -> r.context().getBean(type));
    }

    /**
     * Reads of one clinic's partition, as the bridge, for a caller the console has already
     * scoped to that clinic (the reports' reading: {@link StoreSearch}); empty until the store is ready.
     */
    public Optional<StoreSearch> searchWithin(String clinicId) {
        return lifecycle.running().map(r -> {
            // A search needs the partition's id, not only its name (the transactions of a write resolve it themselves).
            RequestPartitionId partition = r.context().getBean(IRequestPartitionHelperSvc.class)
                    .validateAndNormalizePartitionNames(ClinicPartitions.of(clinicId));
            return new DaoStoreSearch(r.context().getBean(DaoRegistry.class), SystemRequestDetails.forRequestPartitionId(partition));
        });
    }

    /** Writes a transaction Bundle into one clinic's partition, as the bridge (not as any caller). */
    public Bundle transaction(String clinicId, Bundle bundle) {
        return transaction(ClinicPartitions.of(clinicId), bundle);
    }

    /**
     * Writes one record's transaction Bundle into its clinic's partition, so that every reference
     * in it is searchable whatever was stored first: a reference to what is not stored yet is noted
     * before the write, and a resource that referred to what this Bundle brings is reindexed after
     * it ({@link ReferenceIndex}). Both sides look after their own write, so a target stored
     * between the look and the write is caught by one of them.
     */
    public Bundle storeRecord(String clinicId, Bundle bundle) {
        RunningStore r = ready();
        RequestPartitionId partition = ClinicPartitions.of(clinicId);
        List<LateReferences.Late> late = r.references().notYetStored(partition, bundle);
        lateReferences.add(clinicId, late, clock.instant());
        Bundle response = r.system().transaction(SystemRequestDetails.forRequestPartitionId(partition), bundle);
        Set<LateReferences.Late> due = new LinkedHashSet<>(lateReferences.waitingFor(clinicId, ReferenceIndex.written(bundle)));
        late.stream().filter(l -> r.references().exists(partition, l.target())).forEach(due::add);
        for (LateReferences.Late l : due) {
            r.references().reindex(partition, l.source());
            lateReferences.resolved(clinicId, l);
        }
        return response;
    }

    /** Writes a transaction Bundle into the default partition, which only admins read. */
    public Bundle transactionUnscoped(Bundle bundle) {
        return transaction(RequestPartitionId.defaultPartition(), bundle);
    }

    private Bundle transaction(RequestPartitionId partition, Bundle bundle) {
        return ready().system().transaction(SystemRequestDetails.forRequestPartitionId(partition), bundle);
    }

    private RunningStore ready() {
        return lifecycle.running().orElseThrow(() -> new IllegalStateException("the auditors' store is not ready yet"));
    }
}
