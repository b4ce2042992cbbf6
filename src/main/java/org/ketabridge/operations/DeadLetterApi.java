package org.ketabridge.operations;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.HttpProblem;
import org.ketabridge.web.JsonResponses;
import org.ketabridge.web.TaskIds;
import org.springframework.stereotype.Component;

/**
 * Clinic IT's dead letters: what could not reach the EHR, with its last error, and replay of one
 * or all of a clinic's (each with a fresh retry budget). A dead version that a newer version of
 * its record has superseded (in the EHR or on its way) is never replayed: that would make the EHR
 * go back in time. How many records stand where is {@link SyncStatusApi}'s.
 */
@Component("deadLetterApi")
public class DeadLetterApi {

    private final ClinicGuard clinics;
    private final SyncQueue queue;
    private final JsonResponses responses;
    private final Clock clock;

    public DeadLetterApi(ClinicGuard clinics, SyncQueue queue, JsonResponses responses, Clock clock) {
        this.clinics = clinics;
        this.queue = queue;
        this.responses = responses;
        this.clock = clock;
    }

    public void list(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "deadLetters", queue.deadLetters(clinicId)));
    }

    public void replayOne(Exchange exchange) {
        String clinicId = clinicOf(exchange);
        long id = TaskIds.of(exchange, "dead letter");
        SyncQueue.Replay replay = queue.replay(clinicId, id, clock.instant());
        if (replay instanceof SyncQueue.Replay.Superseded s) {
            throw new HttpProblem(409, "Conflict", whySuperseded(s));
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

    /** Why a dead letter is not replayed: the newer version of its record that is in the EHR or on its way. */
    public static String whySuperseded(SyncQueue.Replay.Superseded s) {
        return "Dead letter " + s.taskId() + " (" + s.kind() + " " + s.recordId() + " version "
                + s.version() + ") is superseded: version " + s.newerVersion() + " of that record "
                + (SyncQueue.SENT.equals(s.newerStatus()) ? "is already in the EHR" : "is on its way to the EHR")
                + " (task " + s.newerTaskId() + "). Replaying the older version would put older content over newer;"
                + " it stays a dead letter.";
    }

    private String clinicOf(Exchange exchange) {
        return clinics.require(exchange).id();
    }
}
