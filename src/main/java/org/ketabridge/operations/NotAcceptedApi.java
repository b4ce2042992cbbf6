package org.ketabridge.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.JsonResponses;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/clinics/{clinicId}/sync/not-accepted} (issue 13): the record versions the
 * clinic's EHR does not take, and why: a type it does not accept ({@code ehr.resources.<Type>:
 * none}, or its CapabilityStatement), a change to a type it only creates ({@code create-only}).
 * They were not sent and will not be; they are no dead letters, so there is nothing to replay:
 * what changes it is the EHR (or the clinic's configuration). Read only; how many there are is in
 * {@link SyncStatusApi}'s {@code tasks.notAccepted}.
 */
@Component("notAcceptedApi")
public class NotAcceptedApi {

    private final ClinicGuard clinics;
    private final SyncQueue queue;
    private final JsonResponses responses;

    public NotAcceptedApi(ClinicGuard clinics, SyncQueue queue, JsonResponses responses) {
        this.clinics = clinics;
        this.queue = queue;
        this.responses = responses;
    }

    public void list(Exchange exchange) {
        String clinicId = clinics.require(exchange).id();
        List<Map<String, Object>> records = queue.notAccepted(clinicId).stream().map(n -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("taskId", n.taskId());
            m.put("kind", n.kind());
            m.put("recordId", n.recordId());
            m.put("version", n.version());
            m.put("resourceType", n.resourceType());
            m.put("reason", n.reason());
            m.put("at", n.notAcceptedAt());
            return m;
        }).toList();
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "notAccepted", records));
    }
}
