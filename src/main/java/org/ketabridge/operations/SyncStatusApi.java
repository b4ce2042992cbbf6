package org.ketabridge.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.db.EhrAlarms;
import org.ketabridge.db.SharedResources;
import org.ketabridge.db.StoreQueue;
import org.ketabridge.db.SyncQueue;
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

    public SyncStatusApi(ClinicGuard clinics, SyncQueue queue, StoreQueue storeQueue, JsonResponses responses,
                         CredentialHolds credentials, EhrAlarms ehrAlarms, SharedResources sharedResources) {
        this.clinics = clinics;
        this.queue = queue;
        this.storeQueue = storeQueue;
        this.responses = responses;
        this.credentials = credentials;
        this.ehrAlarms = ehrAlarms;
        this.sharedResources = sharedResources;
    }

    /**
     * How many records are queued, waiting, sent and dead towards the EHR, how many the auditors'
     * store holds and does not hold yet, and whether the EHR accepts the bridge's credentials (while
     * it refuses them, the clinic's sync is held).
     */
    public void status(Exchange exchange) {
        String clinicId = clinics.require(exchange).id();
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "tasks", queue.countsByStatus(clinicId),
                "auditorStore", storeQueue.countsByStatus(clinicId), "alarms", alarms(clinicId),
                "credentials", credentialsOf(clinicId)));
    }

    /**
     * The clinic's alarms: dead letters that say the EHR needs clinic IT (it holds duplicates), by
     * task, record, resource type, since when, and how many tasks wait for the shared resource.
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
            m.put("waiting", sharedResources.alarmedBy(a.taskId()).map(sharedResources::waiting).orElse(0));
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
