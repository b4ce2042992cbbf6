package org.ketabridge.operations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.sync.UncertainTasks;
import org.ketabridge.sync.UncertainTasks.Finding;
import org.ketabridge.sync.UncertainTasks.Settled;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.HttpProblem;
import org.ketabridge.web.JsonResponses;
import org.ketabridge.web.TaskIds;
import org.springframework.stereotype.Component;

/**
 * Clinic IT's uncertain tasks (issue 13): records whose create may have reached the EHR (its
 * answer was lost) where the EHR offers no search to tell. {@code GET .../sync/uncertain} lists
 * them; {@code POST .../sync/uncertain/{taskId}} settles one with what clinic IT found in the EHR:
 * {@code {"inEhr": "Observation/123"}} (the bridge adopts that resource) or {@code {"inEhr": false}}
 * (the bridge creates it).
 */
@Component("uncertainTaskApi")
public class UncertainTaskApi {

    private final ClinicGuard clinics;
    private final SyncQueue queue;
    private final UncertainTasks uncertain;
    private final JsonResponses responses;
    private final ObjectMapper json;

    public UncertainTaskApi(ClinicGuard clinics, SyncQueue queue, UncertainTasks uncertain, JsonResponses responses,
                            ObjectMapper json) {
        this.clinics = clinics;
        this.queue = queue;
        this.uncertain = uncertain;
        this.responses = responses;
        this.json = json;
    }

    public void list(Exchange exchange) {
        String clinicId = clinics.require(exchange).id();
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "uncertain", queue.uncertain(clinicId)));
    }

    public void settle(Exchange exchange) {
        String clinicId = clinics.require(exchange).id();
        long id = TaskIds.of(exchange, "uncertain task");
        Settled settled = uncertain.settle(clinicId, id, finding(exchange.getIn().getBody(String.class)));
        if (settled instanceof Settled.NotUncertain) {
            throw HttpProblem.notFound("No uncertain task " + id + " for clinic '" + clinicId + "'");
        }
        if (settled instanceof Settled.WrongType w) {
            throw new HttpProblem(409, "Conflict", w.why());
        }
        Settled.Due due = (Settled.Due) settled;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clinicId", clinicId);
        body.put("taskId", id);
        body.put("status", "pending");
        body.put("adopted", due.adopted());
        responses.write(exchange, 202, body);
    }

    /** {@code {"inEhr": "Type/id"}} or {@code {"inEhr": false}}; anything else is refused saying what is expected. */
    private static Finding finding(String body, ObjectMapper json) {
        JsonNode inEhr;
        try {
            JsonNode root = body == null || body.isBlank() ? null : json.readTree(body);
            inEhr = root == null || !root.isObject() ? null : root.get("inEhr");
        } catch (JsonProcessingException e) {
            inEhr = null;
        }
        if (inEhr != null && inEhr.isBoolean() && !inEhr.booleanValue()) {
            return new Finding.NotInEhr();
        }
        if (inEhr != null && inEhr.isTextual()) {
            String reference = inEhr.textValue();
            return Finding.InEhr.of(reference)
                    .orElseThrow(() -> HttpProblem.badRequest("inEhr: " + Finding.InEhr.notAReference(reference)));
        }
        throw HttpProblem.badRequest("Expected a JSON object {\"inEhr\": \"Type/id\"} when the EHR holds the resource, or"
                + " {\"inEhr\": false} when it does not");
    }

    private Finding finding(String body) {
        return finding(body, json);
    }
}
