package org.ketabridge.operations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.ketabridge.auditor.reports.RemsFormReport;
import org.ketabridge.auditor.reports.RemsForms;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code ketabridge_rems_forms{clinic,state="incomplete|overdue"}}: each clinic's Spravato REMS forms of
 * the last 30 days not complete, and of those the overdue. Filling a month of forms reads records, so
 * one clinic's counts are computed at most once per {@code bridge.metrics.rems-read-every} (a minute by
 * default) and kept; a failed read keeps the last counts and is logged by kind.
 */
@Component
public class RemsFormMetrics {

    static final int DAYS = 30;

    private static final Logger log = LoggerFactory.getLogger(RemsFormMetrics.class);

    private final RemsForms forms;
    private final Clock clock;
    private final Duration readEvery;
    private final Map<String, Counts> last = new HashMap<>();

    record Counts(long incomplete, long overdue, Instant readAt) {
    }

    public RemsFormMetrics(RemsForms forms, ClinicRegistry clinics, MeterRegistry registry, Clock clock,
                           @Value("${bridge.metrics.rems-read-every:60s}") Duration readEvery) {
        this.forms = forms;
        this.clock = clock;
        this.readEvery = readEvery;
        for (Clinic clinic : clinics.all()) {
            Map<String, ToDoubleFunction<Counts>> states = Map.of("incomplete", Counts::incomplete, "overdue", Counts::overdue);
            states.forEach((state, value) -> Gauge.builder("ketabridge.rems.forms", () -> value.applyAsDouble(counts(clinic)))
                    .description("Spravato REMS monitoring forms of the last 30 days not complete (overdue: past their due date too)")
                    .tags("clinic", clinic.id(), "state", state).register(registry));
        }
    }

    synchronized Counts counts(Clinic clinic) {
        Instant now = clock.instant();
        Counts counts = last.get(clinic.id());
        if (counts == null || !now.isBefore(counts.readAt().plus(readEvery))) {
            try {
                RemsFormReport report = forms.lastDays(clinic, DAYS);
                counts = new Counts(report.incomplete(), report.overdue(), now);
            } catch (RuntimeException e) {
                log.warn("REMS forms of clinic {} for the metrics could not be read ({}); the gauges keep their last values",
                        clinic.id(), LogSafe.kinds(e));
                counts = counts == null ? new Counts(0, 0, now) : new Counts(counts.incomplete(), counts.overdue(), now);
            }
            last.put(clinic.id(), counts);
        }
        return counts;
    }
}
