package org.ketabridge.alerts;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a clinic's webhook is told of: the events of the Prometheus rules
 * (src/main/resources/prometheus/ketabridge-alerts.yml), by the words the notifications carry.
 */
public enum AlertEvent {

    DEAD_LETTERS_GROWING("dead-letters-growing", "Records of clinic %s were dead-lettered: the EHR refused them for good"),
    OLDEST_PENDING_TOO_OLD("oldest-pending-too-old", "Records of clinic %s wait too long for the EHR"),
    CIRCUIT_OPEN_LONG("circuit-open-long", "The EHR circuit of clinic %s has been open for long: nothing reaches the EHR"),
    CREDENTIALS_FAILING("credentials-failing", "The EHR of clinic %s refuses the bridge's credentials: its sync is held"),
    AUDITOR_STORE_LAGGING("auditor-store-lagging", "The auditors' store lags for clinic %s"),
    INTAKE_REFUSING_MOST("intake-refusing-most", "Most records clinic %s sent lately were refused");

    private final String word;
    private final String summary;

    AlertEvent(String word, String summary) {
        this.word = word;
        this.summary = summary;
    }

    /** The event as notifications and alert_state name it. */
    public String word() {
        return word;
    }

    public String summary(String clinicId) {
        return summary.formatted(clinicId);
    }

    public static Optional<AlertEvent> ofWord(String word) {
        return Stream.of(values()).filter(e -> e.word.equals(word)).findFirst();
    }
}
