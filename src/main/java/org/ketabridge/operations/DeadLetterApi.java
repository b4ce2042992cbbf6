package org.ketabridge.operations;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.EhrAlarms;
import org.ketabridge.db.SharedResources;
import org.ketabridge.db.StoreQueue;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.sync.CredentialHolds;
import org.ketabridge.web.HttpProblem;
import org.ketabridge.web.JsonResponses;
import org.springframework.stereotype.Component;

/**
 * Clinic IT's view of the flow to their EHR: how many records stand where, the dead letters with
 * their last error, replay of one or all of a clinic's (each with a fresh retry budget). A dead
 * version that a newer version of its record has superseded (in the EHR or on its way) is never
 * replayed: that would make the EHR go back in time.
 */
@Component("deadLetterApi")
public class DeadLetterApi {

    private final ClinicRegistry clinics;
    private final SyncQueue queue;
    private final StoreQueue storeQueue;
    private final JsonResponses responses;
    private final CredentialHolds credentials;
    private final Clock clock;
    private final EhrAlarms ehrAlarms;
    private final SharedResources sharedResources;

    public DeadLetterApi(ClinicRegistry clinics, SyncQueue queue, StoreQueue storeQueue, JsonResponses responses,
                        CredentialHolds credentials, Clock clock, EhrAlarms ehrAlarms, SharedResources sharedResources) {
        this.ehrAlarms = ehrAlarms;
        this.sharedResources = sharedResources;
        this.clinics = clinics;
        this.queue = queue;
        this.storeQueue = storeQueue;
        this.responses = responses;
        this.credentials = credentials;
        this.clock = clock;
    }

    public void list(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "deadLetters", queue.deadLetters(clinicId)));
    }

    /**
     * {@code GET /api/v1/clinics/{clinicId}/sync}: how many records are queued, waiting, sent and
     * dead towards the EHR, how many the auditors' store holds and does not hold yet, and whether
     * the EHR accepts the bridge's credentials (while it refuses them, the clinic's sync is held).
     */
    public void syncStatus(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "tasks", queue.countsByStatus(clinicId),
                "auditorStore", storeQueue.countsByStatus(clinicId), "alarms", alarms(clinicId),
                "credentials", credentialsOf(clinicId)));
    }

    /**
     * The clinic's alarms: dead letters that say the EHR needs clinic IT (it holds duplicates), by
     * task, record, resource type, since when, and how many tasks wait for the shared resource.
     */
    private java.util.List<Map<String, Object>> alarms(String clinicId) {
        return ehrAlarms.active(clinicId).stream().map(a -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
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
        return credentials.of(clinicId).<Map<String, Object>>map(hold -> Map.of(
                        "status", "refused",
                        "since", hold.since().toString(),
                        "httpStatus", hold.httpStatus(),
                        "detail", "The EHR refuses the bridge's credentials since " + hold.since() + " (HTTP "
                                + hold.httpStatus() + "): sync to it is held, nothing is dead-lettered; one record is"
                                + " tried again from " + hold.nextProbeAt() + " and the rest follow once it is accepted"))
                .orElse(Map.of("status", "accepted"));
    }

    public void replayOne(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        String taskId = exchange.getIn().getHeader("taskId", String.class);
        long id;
        try {
            id = Long.parseLong(taskId);
        } catch (NumberFormatException e) {
            throw HttpProblem.notFound("No dead letter '" + taskId + "'");
        }
        SyncQueue.Replay replay = queue.replay(clinicId, id, clock.instant());
        if (replay instanceof SyncQueue.Replay.Superseded s) {
            throw new HttpProblem(409, "Conflict", "Dead letter " + id + " (" + s.kind() + " " + s.recordId() + " version "
                    + s.version() + ") is superseded: version " + s.newerVersion() + " of that record "
                    + (SyncQueue.SENT.equals(s.newerStatus()) ? "is already in the EHR" : "is on its way to the EHR")
                    + " (task " + s.newerTaskId() + "). Replaying the older version would put older content over newer;"
                    + " it stays a dead letter.");
        }
        if (replay instanceof SyncQueue.Replay.NotFound) {
            throw HttpProblem.notFound("No dead letter " + id + " for clinic '" + clinicId + "'");
        }
        responses.write(exchange, 202, Map.of("clinicId", clinicId, "replayed", 1));
    }

    /** Replays every dead letter that is not superseded; names the superseded ones, left dead, and why. */
    public void replayAll(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        SyncQueue.ReplayAll result = queue.replayAll(clinicId, clock.instant());
        List<Map<String, Object>> skipped = result.superseded().stream().map(s -> Map.<String, Object>of(
                "taskId", s.taskId(), "kind", s.kind(), "recordId", s.recordId(), "version", s.version(),
                "supersededBy", Map.of("taskId", s.newerTaskId(), "version", s.newerVersion(),
                        "status", s.newerStatus().toLowerCase()))).toList();
        responses.write(exchange, 202, Map.of("clinicId", clinicId, "replayed", result.replayed(),
                "skippedAsSuperseded", skipped));
    }

    private String clinicOf(Exchange exchange) {
        String clinicId = exchange.getIn().getHeader("clinicId", String.class);
        clinics.find(clinicId).orElseThrow(() -> HttpProblem.unknownClinic(clinicId));
        return clinicId;
    }
}
