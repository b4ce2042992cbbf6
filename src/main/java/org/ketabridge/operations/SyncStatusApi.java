package org.ketabridge.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.db.EhrAlarms;
import org.ketabridge.db.SharedResources;
import org.ketabridge.db.StoreQueue;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.ehr.fhir.EhrPlans;
import org.ketabridge.ehr.fhir.WritePlan;
import org.ketabridge.sync.CredentialHolds;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.JsonResponses;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/clinics/{clinicId}/sync}, clinic IT's one look at the flow to their EHR and to
 * the auditors' store: how many records are queued, waiting, sent, dead and not accepted by the EHR
 * ({@code tasks.notAccepted}, listed by {@link NotAcceptedApi}), the alarms that need them, and
 * whether the EHR accepts the bridge's credentials. Read only; acting on dead letters is
 * {@link DeadLetterApi}'s.
 */
@Component("syncStatusApi")
public class SyncStatusApi {

    private final ClinicGuard clinics;
    private final SyncQueue queue;
    private final StoreQueue storeQueue;
    private final JsonResponses responses;
    private final CredentialHolds credentials;
    private final EhrAlarms ehrAlarms;
    private final SharedResources sharedResources;
    private final EhrPlans plans;

    public SyncStatusApi(ClinicGuard clinics, SyncQueue queue, StoreQueue storeQueue, JsonResponses responses,
                         CredentialHolds credentials, EhrAlarms ehrAlarms, SharedResources sharedResources, EhrPlans plans) {
        this.clinics = clinics;
        this.queue = queue;
        this.storeQueue = storeQueue;
        this.responses = responses;
        this.credentials = credentials;
        this.ehrAlarms = ehrAlarms;
        this.sharedResources = sharedResources;
        this.plans = plans;
    }

    /**
     * How many records are queued, waiting, sent and dead towards the EHR (and of the pending ones,
     * {@code awaitingEhrPatient}: patient records whose patient the EHR does not hold yet), how many
     * the auditors' store holds and does not hold yet, whether the EHR accepts the bridge's
     * credentials (while it refuses them, the clinic's sync is held), and for a FHIR EHR how its
     * patients are reached ({@code patients}: upsert, or matched by which identifier system).
     */
    public void status(Exchange exchange) {
        responses.write(exchange, 200, statusOf(clinics.require(exchange).id()));
    }

    /** The answer of {@link #status} for a clinic (the web console shows the same). */
    public Map<String, Object> statusOf(String clinicId) {
        Map<String, Object> tasks = new LinkedHashMap<>(queue.countsByStatus(clinicId));
        tasks.put("awaitingEhrPatient", queue.awaitingEhrPatient(clinicId));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clinicId", clinicId);
        body.put("tasks", tasks);
        body.put("auditorStore", storeQueue.countsByStatus(clinicId));
        body.put("alarms", alarms(clinicId));
        body.put("credentials", credentialsOf(clinicId));
        plans.of(clinicId).ifPresent(plan -> body.put("patients", patients(plan)));
        return body;
    }

    /**
     * The EHR's patient (issue 13): {@code mode} upsert or match, the {@code identifierSystem} matched
     * by, and what stands in the way ({@code problem}: matched without a system to search by).
     */
    private static Map<String, Object> patients(WritePlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", plan.patientMode());
        if (plan.matchesPatients()) {
            m.put("identifierSystem", plan.patientIdentifierSystem().orElse(null));
        }
        m.put("detail", "patients: " + plan.patients());
        plan.patientProblem().ifPresent(problem -> m.put("problem", problem));
        return m;
    }

    /**
     * The clinic's alarms: dead letters that say the EHR needs clinic IT (it holds duplicates), by
     * task, record, resource type, since when, and how many tasks wait for the shared resource (or,
     * for a record such as a patient, for that record).
     */
    private List<Map<String, Object>> alarms(String clinicId) {
        return ehrAlarms.active(clinicId).stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("alarm", a.alarm());
            m.put("taskId", a.taskId());
            m.put("kind", a.kind());
            m.put("recordId", a.recordId());
            m.put("resourceType", a.resourceType());
            m.put("since", a.since());
            // What waits for the repair: the shared resource's waiters, or the record's (a patient the EHR holds twice).
            m.put("waiting", sharedResources.alarmedBy(a.taskId()).map(sharedResources::waiting)
                    .orElseGet(() -> queue.waitingFor(clinicId, a.kind(), a.recordId())));
            return m;
        }).toList();
    }

    /** Whether the clinic's EHR accepts the bridge's credentials; while it refuses them, the clinic's sync is held. */
    private Map<String, Object> credentialsOf(String clinicId) {
        var tokenHold = credentials.of(clinicId).filter(hold -> hold.token() != null);
        if (tokenHold.isPresent()) {
            return tokenUnavailable(tokenHold.get());
        }
        return credentials.of(clinicId).<Map<String, Object>>map(hold -> Map.of(
                        "status", "refused",
                        "since", hold.since().toString(),
                        "httpStatus", hold.httpStatus(),
                        "detail", "The EHR refuses the bridge's credentials since " + hold.since() + " (HTTP "
                                + hold.httpStatus() + "): sync to it is held, nothing is dead-lettered; one record is"
                                + " tried again from " + hold.nextProbeAt() + " and the rest follow once it is accepted"))
                .orElse(Map.of("status", "accepted"));
    }

    /**
     * Held for want of an access token (issue 13): the OAuth error the EHR's token endpoint
     * answered (e.g. invalid_client), or token_endpoint_unreachable; never a token or a secret.
     */
    private static Map<String, Object> tokenUnavailable(CredentialHolds.Hold hold) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "no-token");
        m.put("since", hold.since().toString());
        m.put("error", hold.token().error());
        if (hold.token().description() != null) {
            m.put("errorDescription", hold.token().description());
        }
        if (hold.httpStatus() != 0) {
            m.put("httpStatus", hold.httpStatus());
        }
        m.put("detail", "The bridge gets no access token from the EHR's token endpoint since " + hold.since() + " ("
                + hold.token().error() + "): sync to it is held, nothing is dead-lettered; one record is tried again from "
                + hold.nextProbeAt() + " and the rest follow once a token is issued");
        return m;
    }
}
