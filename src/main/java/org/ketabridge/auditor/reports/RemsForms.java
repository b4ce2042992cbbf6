package org.ketabridge.auditor.reports;

import java.time.Clock;
import java.time.LocalDate;
import org.ketabridge.config.Clinic;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.mapping.rems.RemsFormFiller;
import org.springframework.stereotype.Component;

/**
 * Every esketamine session's REMS form of a clinic and period, filled on request from the latest
 * stored records ({@link RemsSessions}, {@link RemsFormFiller}): what the auditors' {@code $rems-forms}
 * operation, clinic IT's {@code /rems-forms} and the {@code ketabridge_rems_forms} gauge read. Overdue is
 * judged against today in the clinic's zone, by the injected clock.
 */
@Component
public class RemsForms {

    /** The longest period asked at once: a year of a clinic's sessions, filled in memory. */
    static final int MAX_DAYS = 366;

    private final RemsSessions sessions;
    private final RemsFormFiller filler;
    private final Clock clock;

    public RemsForms(RemsSessions sessions, Terminology terminology, Clock clock) {
        this.sessions = sessions;
        this.filler = new RemsFormFiller(terminology);
        this.clock = clock;
    }

    public RemsFormReport of(Clinic clinic, LocalDate start, LocalDate end) {
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("end (" + end + ") is before start (" + start + ")");
        }
        if (start.plusDays(MAX_DAYS).isBefore(end)) {
            throw new IllegalArgumentException("a period of at most " + MAX_DAYS + " days, please");
        }
        LocalDate today = LocalDate.now(clock.withZone(clinic.zone()));
        return new RemsFormReport(clinic.id(), start, end, filler.form(), sessions.of(clinic, start, end).stream()
                .map(s -> RemsForm.of(s.encounterId(), filler.fill(clinic, s), today)).toList());
    }

    /** The forms of the last {@code days} days, today included (the clinic's dates). */
    public RemsFormReport lastDays(Clinic clinic, int days) {
        LocalDate today = LocalDate.now(clock.withZone(clinic.zone()));
        return of(clinic, today.minusDays(days - 1L), today);
    }
}
