package org.ketabridge.alerts;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.AlertStates;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The evaluation step of routes/alerts.yaml: for each clinic with a webhook, its facts now against
 * its events as stored; each change (fired, resolved) is written with its notification, which the
 * route's next step sends. Clinics without a webhook are not evaluated at all.
 */
@Component("alertEvaluation")
public class AlertEvaluation {

    private static final Logger log = LoggerFactory.getLogger(AlertEvaluation.class);

    private final ClinicRegistry clinics;
    private final ClinicFactsReader facts;
    private final AlertStates states;
    private final NotificationBody bodies;
    private final AlertEvaluator evaluator;

    public AlertEvaluation(ClinicRegistry clinics, ClinicFactsReader facts, AlertStates states, NotificationBody bodies,
                           BridgeProperties properties) {
        this.clinics = clinics;
        this.facts = facts;
        this.states = states;
        this.bodies = bodies;
        this.evaluator = new AlertEvaluator(properties.getAlerts());
    }

    public void evaluate() {
        List<Clinic> watched = clinics.all().stream().filter(c -> c.alertWebhook().isPresent()).toList();
        if (watched.isEmpty()) {
            return;
        }
        try {
            for (ClinicFacts clinic : facts.read(watched)) {
                for (AlertEvaluator.Change change : evaluator.changes(clinic, stored(clinic.clinicId()))) {
                    boolean mine = states.change(clinic.clinicId(), change.event().word(),
                            change.firing() ? AlertStates.FIRING : AlertStates.RESOLVED, change.transition(), clinic.at(),
                            bodies.of(clinic, change));
                    if (mine) {
                        log.info("Alert {} {} for clinic {}", change.event().word(), change.firing() ? "fired" : "resolved",
                                clinic.clinicId());
                    }
                }
            }
        } catch (RuntimeException e) {
            // The database, most likely: the next evaluation tries again; what is stored stays as it was.
            log.warn("Alerts not evaluated ({}); trying again at the next evaluation", LogSafe.kinds(e));
        }
    }

    private Map<AlertEvent, AlertEvaluator.Known> stored(String clinicId) {
        Map<AlertEvent, AlertEvaluator.Known> known = new EnumMap<>(AlertEvent.class);
        for (AlertStates.Stored s : states.of(clinicId)) {
            AlertEvent.ofWord(s.event()).ifPresent(e -> known.put(e,
                    new AlertEvaluator.Known(AlertStates.FIRING.equals(s.status()), s.transition())));
        }
        return known;
    }
}
