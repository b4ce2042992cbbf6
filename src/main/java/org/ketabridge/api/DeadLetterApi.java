package org.ketabridge.api;

import java.time.Clock;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.config.ClinicRegistry;
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

    public DeadLetterApi(ClinicRegistry clinics, SyncQueue queue, StoreQueue storeQueue, JsonResponses responses,
                        Clock clock) {
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
                "auditorStore", storeQueue.countsByStatus(clinicId)));
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
