package org.ketabridge.auditor.server;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.jobs.parameters.PartitionedUrl;
import ca.uhn.fhir.batch2.jobs.reindex.ReindexJobParameters;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.List;
import org.ketabridge.db.LateReferences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once, at a start: the references of what the store held before late references were tracked
 * (V12). Since then each write keeps HAPI's index of references complete ({@link ReferenceIndex});
 * a store written before may hold doses, scores and encounters whose references to their patient
 * or encounter HAPI never indexed. HAPI's own REINDEX batch job goes over every resource the
 * bridge writes with references, in every partition, in the background (durable: a restart
 * resumes it); searches are complete once it ends. The job is recorded before the marker goes,
 * so it is started at least once.
 */
final class LateReferenceBackfill {

    private static final Logger log = LoggerFactory.getLogger(LateReferenceBackfill.class);

    private static final List<String> TYPES_WITH_REFERENCES =
            List.of("Encounter", "EpisodeOfCare", "MedicationAdministration", "Observation", "Flag", "Provenance");

    private LateReferenceBackfill() {
    }

    static void startIfDue(IJobCoordinator jobs, LateReferences lateReferences) {
        if (!lateReferences.maintenanceDue(LateReferences.REINDEX_ALL)) {
            return;
        }
        ReindexJobParameters parameters = new ReindexJobParameters();
        for (String type : TYPES_WITH_REFERENCES) {
            parameters.addPartitionedUrl(new PartitionedUrl().setUrl(type + "?").setRequestPartitionId(RequestPartitionId.allPartitions()));
        }
        try {
            String job = jobs.startInstance(new SystemRequestDetails(),
                    new JobInstanceStartRequest().setJobDefinitionId("REINDEX").setParameters(parameters)).getInstanceId();
            lateReferences.maintenanceDone(LateReferences.REINDEX_ALL);
            log.info("Reindexing the references of what the auditors' store held before this version (HAPI job {})", job);
        } catch (RuntimeException e) {
            // The store works without it (new writes are indexed right); the next start tries again.
            log.warn("Could not start reindexing what the auditors' store held before this version; next start tries again", e);
        }
    }
}
