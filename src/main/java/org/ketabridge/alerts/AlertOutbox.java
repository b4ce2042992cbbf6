package org.ketabridge.alerts;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.ketabridge.config.AlertWebhook;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.AlertStates;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The sending steps of routes/alerts.yaml, over the outbox in alert_state: the notifications due,
 * each claimed for this process before it is handed out; the POST's request; delivered on a 2xx;
 * otherwise tried again after a backoff that doubles up to {@code bridge.alerts.max-backoff}, for as
 * long as it takes. The webhook URL is read from the clinic's configuration when sending (never
 * stored, never logged: it often holds the receiver's secret).
 */
@Component("alertOutbox")
public class AlertOutbox {

    /** The exchange property holding the notification being sent (the body becomes its JSON, then the answer). */
    static final String NOTIFICATION = "alertNotification";
    private static final int PER_EVALUATION = 50;
    private static final Logger log = LoggerFactory.getLogger(AlertOutbox.class);

    private final ClinicRegistry clinics;
    private final AlertStates states;
    private final BridgeProperties.Alerts settings;
    private final Clock clock;

    public AlertOutbox(ClinicRegistry clinics, AlertStates states, BridgeProperties properties, Clock clock) {
        this.clinics = clinics;
        this.states = states;
        this.settings = properties.getAlerts();
        this.clock = clock;
    }

    /** A notification claimed for sending, and where it goes. */
    public record Notification(AlertStates.Due due, AlertWebhook webhook) {
    }

    /** The notifications due now to clinics that have a webhook, each claimed for this process. */
    public List<Notification> due() {
        Map<String, AlertWebhook> webhooks = clinics.all().stream().filter(c -> c.alertWebhook().isPresent())
                .collect(Collectors.toMap(Clinic::id, c -> c.alertWebhook().get()));
        List<Notification> claimed = new ArrayList<>();
        try {
            Instant now = clock.instant();
            for (AlertStates.Due due : states.due(webhooks.keySet(), now, PER_EVALUATION)) {
                if (states.claim(due, now, now.plus(settings.getSendingLease()))) {
                    claimed.add(new Notification(due, webhooks.get(due.clinicId())));
                }
            }
        } catch (RuntimeException e) {
            log.warn("Alert notifications not read ({}); trying again at the next evaluation", LogSafe.kinds(e));
        }
        return claimed;
    }

    /**
     * The POST: the stored body as JSON, to the clinic's webhook, with no header of the bridge's own
     * but, where the clinic has a webhook secret, the time of this try and the signature of it and
     * the body ({@link WebhookSignature}).
     */
    public void request(Exchange exchange) {
        Notification notification = exchange.getIn().getBody(Notification.class);
        exchange.setProperty(NOTIFICATION, notification);
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Exchange.HTTP_URI, notification.webhook().url().toString());
        exchange.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        String body = notification.due().body();
        notification.webhook().secret().ifPresent(secret -> {
            long now = clock.instant().getEpochSecond();
            exchange.getIn().setHeader(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(now));
            exchange.getIn().setHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, now, body));
        });
        // As bytes: what is signed is exactly what is sent.
        exchange.getIn().setBody(body.getBytes(StandardCharsets.UTF_8));
    }

    public void delivered(Exchange exchange) {
        AlertStates.Due due = exchange.getProperty(NOTIFICATION, Notification.class).due();
        states.delivered(due);
        log.info("Alert notification {} ({}) of clinic {} delivered", due.event(), due.status().toLowerCase(Locale.ROOT), due.clinicId());
    }

    public void failed(Exchange exchange) {
        Notification notification = exchange.getProperty(NOTIFICATION, Notification.class);
        if (notification == null) {
            notification = exchange.getIn().getBody(Notification.class);
        }
        AlertStates.Due due = notification.due();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // The status, or the kind of failure: an exception's message would quote the URL.
        String error = cause instanceof HttpOperationFailedException http ? "HTTP " + http.getStatusCode()
                : Optional.ofNullable(cause).map(LogSafe::kinds).orElse("unknown");
        int attempts = due.attempts() + 1;
        Duration wait = backoff(attempts);
        states.failed(due, clock.instant().plus(wait), error);
        log.warn("Alert notification {} ({}) of clinic {} not delivered (attempt {}: {}); trying again in {} ms",
                due.event(), due.status().toLowerCase(Locale.ROOT), due.clinicId(), attempts, error, wait.toMillis());
    }

    /** The initial backoff, doubled after each failed attempt, at most the maximum. */
    Duration backoff(int attempts) {
        Duration wait = settings.getInitialBackoff();
        for (int i = 1; i < attempts && wait.compareTo(settings.getMaxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.getMaxBackoff()) > 0 ? settings.getMaxBackoff() : wait;
    }
}
