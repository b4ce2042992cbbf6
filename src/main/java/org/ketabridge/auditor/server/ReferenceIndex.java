package org.ketabridge.auditor.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.ReindexParameters;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.ketabridge.db.LateReferences.Late;

/**
 * What HAPI's index of references needs from the store's writer. HAPI indexes a reference (what
 * {@code subject=}, chains, {@code _include} and {@code _revinclude} search) only if its target
 * is stored when the referring resource is written; with referential integrity off it silently
 * drops the others and never comes back to them. So the writer notes each reference whose target
 * is not there yet, and once the target is stored, has HAPI reindex the resource that made it.
 */
class ReferenceIndex {

    private final DaoRegistry daos;
    private final IHapiTransactionService transactions;
    private final FhirTerser terser;

    ReferenceIndex(DaoRegistry daos, IHapiTransactionService transactions, FhirContext fhir) {
        this.daos = daos;
        this.transactions = transactions;
        this.terser = fhir.newTerser();
    }

    /** The resources a transaction Bundle writes, as {@code Type/id} (each entry is a PUT to its id). */
    static Set<String> written(Bundle bundle) {
        Set<String> written = new LinkedHashSet<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            written.add(e.getRequest().getUrl());
        }
        return written;
    }

    /** References of the Bundle's resources to resources of this store that neither it nor the store holds yet. */
    List<Late> notYetStored(RequestPartitionId partition, Bundle bundle) {
        Set<String> written = written(bundle);
        Set<Late> late = new LinkedHashSet<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            String source = e.getRequest().getUrl();
            for (var info : terser.getAllResourceReferences(e.getResource())) {
                IIdType ref = info.getResourceReference().getReferenceElement();
                // Contained (#med), absolute (the EHR's copy) and identifier-only references (NPIs) are not links here.
                if (ref.isEmpty() || ref.isLocal() || ref.isAbsolute() || !ref.hasResourceType() || !ref.hasIdPart()) {
                    continue;
                }
                String target = ref.getResourceType() + "/" + ref.getIdPart();
                if (!written.contains(target) && !exists(partition, target)) {
                    late.add(new Late(target, source));
                }
            }
        }
        return List.copyOf(late);
    }

    boolean exists(RequestPartitionId partition, String reference) {
        IdType id = new IdType(reference);
        try {
            dao(id).readEntity(id, SystemRequestDetails.forRequestPartitionId(partition));
            return true;
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return false;
        }
    }

    /** Has HAPI index the resource again (its references to what is stored now included); nothing if it is not stored. */
    void reindex(RequestPartitionId partition, String reference) {
        IdType id = new IdType(reference);
        SystemRequestDetails request = SystemRequestDetails.forRequestPartitionId(partition);
        transactions.withSystemRequestOnPartition(partition).execute(() -> {
            IFhirResourceDao<?> dao = dao(id);
            try {
                var entity = dao.readEntity(id, request);
                dao.reindex(entity.getPersistentId(), new ReindexParameters(), request, new TransactionDetails());
            } catch (ResourceNotFoundException | ResourceGoneException notStored) {
                // Its write failed; it is written again (and its references looked at again) on retry.
            }
        });
    }

    private IFhirResourceDao<?> dao(IdType id) {
        return daos.getResourceDao(id.getResourceType());
    }
}
