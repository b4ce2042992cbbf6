package org.ketabridge.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ketabridge.config.BridgeProperties;
import org.springframework.stereotype.Component;

/**
 * The JSON a clinic's webhook receives for one change of one event: clinic, event, status, counts,
 * links to clinic IT's API. Written when the event changes and stored with it (alert_state), so a
 * notification sent late still tells the counts of its moment. Ids, counts and seconds only: no
 * record content, no patient data, no error text (an EHR's error may quote a record).
 */
@Component
public class NotificationBody {

    private final ObjectMapper json;
    private final BridgeProperties properties;

    public NotificationBody(ObjectMapper json, BridgeProperties properties) {
        this.json = json;
        this.properties = properties;
    }

    public String of(ClinicFacts facts, AlertEvaluator.Change change) {
        AlertEvent event = change.event();
        Map<String, Object> body = new LinkedHashMap<>();
        // The same id on every retry of this change: a receiver that answered too late to be heard can drop the copy.
        body.put("id", facts.clinicId() + "/" + event.word() + "/" + change.transition());
        body.put("clinic", facts.clinicId());
        body.put("clinicName", facts.clinicName());
        body.put("event", event.word());
        body.put("status", change.firing() ? "firing" : "resolved");
        body.put("at", facts.at().toString());
        body.put("summary", (change.firing() ? "" : "Resolved: ") + event.summary(facts.clinicId()));
        body.put("counts", counts(facts));
        body.put("links", links(facts));
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers is always JSON", e);
        }
    }

    private Map<String, Object> counts(ClinicFacts f) {
        BridgeProperties.Alerts alerts = properties.getAlerts();
        Map<String, Object> counts = new LinkedHashMap<>();
        if (f.syncsToEhr()) {
            counts.put("syncTasks", f.syncTasks());
            counts.put("oldestPendingSeconds", f.age(f.oldestPendingSince()).toSeconds());
            counts.put("deadLetteredRecently", f.deadLetteredRecently());
            counts.put("deadLetteredWithinSeconds", alerts.getDeadLettersWithin().toSeconds());
            counts.put("circuitNotClosedSeconds", f.age(f.circuitNotClosedSince()).toSeconds());
            counts.put("credentialsFailingSeconds", f.age(f.credentialsFailingSince()).toSeconds());
        }
        counts.put("storePending", f.storePending());
        counts.put("storeOldestMissingSeconds", f.age(f.storeOldestMissingSince()).toSeconds());
        counts.put("recordsReceivedRecently", f.recordsReceivedRecently());
        counts.put("recordsRefusedRecently", f.recordsRefusedRecently());
        counts.put("receivedWithinSeconds", alerts.getIntakeWithin().toSeconds());
        return counts;
    }

    /** Clinic IT's API for this clinic; the EHR's links only for a clinic that has one. */
    private Map<String, String> links(ClinicFacts f) {
        String base = properties.getAlerts().getLinksBaseUrl() == null ? ""
                : properties.getAlerts().getLinksBaseUrl().replaceAll("/+$", "");
        String clinic = base + "/api/v1/clinics/" + f.clinicId();
        Map<String, String> links = new LinkedHashMap<>();
        if (f.syncsToEhr()) {
            links.put("sync", clinic + "/sync");
            links.put("deadLetters", clinic + "/dead-letters");
            links.put("ehrCheck", clinic + "/ehr/check");
        }
        links.put("files", clinic + "/files");
        links.put("health", base + "/actuator/health");
        return links;
    }
}
