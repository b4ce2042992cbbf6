package org.ketabridge.auditor.server;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.entity.PartitionEntity;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ketabridge.config.PartitionNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's partitions, one per clinic (named by {@link PartitionNames}): a clinic's resources
 * are written to its own, and the clinic scope of a read is a set of them. HAPI refuses to write
 * to a partition it does not know, and a clinic may be added to the configuration at any time, so
 * every start creates the partitions that are missing (and the always-empty one of a token that
 * covers no clinic); existing ones, and what they hold, are left as they are.
 */
final class ClinicPartitions {

    private static final Logger log = LoggerFactory.getLogger(ClinicPartitions.class);

    private ClinicPartitions() {
    }

    /** The partition a clinic's resources are written to. */
    static RequestPartitionId of(String clinicId) {
        return RequestPartitionId.fromPartitionName(PartitionNames.of(clinicId));
    }

    static void createMissing(IPartitionLookupSvc lookup, List<String> clinicIds) {
        Map<String, String> descriptionByName = new LinkedHashMap<>();
        for (String clinicId : clinicIds) {
            descriptionByName.put(PartitionNames.of(clinicId), "Clinic " + clinicId);
        }
        descriptionByName.put(PartitionNames.NO_CLINIC, "Always empty: the scope of a token covering no clinic");
        for (var partition : descriptionByName.entrySet()) {
            try {
                lookup.getPartitionByName(partition.getKey());
            } catch (ResourceNotFoundException missing) {
                PartitionEntity created = new PartitionEntity().setId(lookup.generateRandomUnusedPartitionId())
                        .setName(partition.getKey());
                created.setDescription(partition.getValue());
                lookup.createPartition(created, new SystemRequestDetails());
                log.info("Created the auditors' store partition {} ({})", partition.getKey(), partition.getValue());
            }
        }
    }
}
