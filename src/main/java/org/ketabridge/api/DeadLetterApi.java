package org.ketabridge.api;

import java.time.Clock;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.store.EhrAlarms;
import org.ketabridge.store.SharedResources;
import org.ketabridge.store.StoreQueue;
import org.ketabridge.store.SyncQueue;
import org.springframework.stereotype.Component;

/**
 * Clinic IT's view of the flow to their EHR: how many records stand where, the dead letters with
 * their last error, replay of one or all of a clinic's (each with a fresh retry budget).
 */
@Component("deadLetterApi")
public class DeadLetterApi {

    private final ClinicRegistry clinics;
    private final SyncQueue queue;
    private final StoreQueue storeQueue;
    private final JsonResponses responses;
    private final Clock clock;
    private final EhrAlarms ehrAlarms;
    private final SharedResources sharedResources;

    public DeadLetterApi(ClinicRegistry clinics, SyncQueue queue, StoreQueue storeQueue, JsonResponses responses,
                        Clock clock, EhrAlarms ehrAlarms, SharedResources sharedResources) {
        this.ehrAlarms = ehrAlarms;
        this.sharedResources = sharedResources;
        this.clinics = clinics;
        this.queue = queue;
        this.storeQueue = storeQueue;
        this.responses = responses;
        this.clock = clock;
    }

    public void list(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "deadLetters", queue.deadLetters(clinicId)));
    }

    /**
     * {@code GET /api/v1/clinics/{clinicId}/sync}: how many records are queued, waiting, sent and
     * dead towards the EHR, and how many the auditors' store holds and does not hold yet.
     */
    public void syncStatus(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "tasks", queue.countsByStatus(clinicId),
                "auditorStore", storeQueue.countsByStatus(clinicId), "alarms", alarms(clinicId)));
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

    public void replayOne(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        String taskId = exchange.getIn().getHeader("taskId", String.class);
        long id;
        try {
            id = Long.parseLong(taskId);
        } catch (NumberFormatException e) {
            throw HttpProblem.notFound("No dead letter '" + taskId + "'");
        }
        if (!queue.replay(clinicId, id, clock.instant())) {
            throw HttpProblem.notFound("No dead letter " + id + " for clinic '" + clinicId + "'");
        }
        responses.write(exchange, 202, Map.of("clinicId", clinicId, "replayed", 1));
    }

    public void replayAll(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        responses.write(exchange, 202, Map.of("clinicId", clinicId, "replayed", queue.replayAll(clinicId, clock.instant())));
    }

    private String clinicOf(Exchange exchange) {
        String clinicId = exchange.getIn().getHeader("clinicId", String.class);
        clinics.find(clinicId).orElseThrow(() -> HttpProblem.unknownClinic(clinicId));
        return clinicId;
    }
}
