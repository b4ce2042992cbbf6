package org.ketabridge.console;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.ketabridge.config.Clinic;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * The period a report page shows (dates inclusive, the clinic's dates), from its form's
 * {@code start} and {@code end}; a missing one defaults, a malformed or reversed one is a 400.
 */
record ReportPeriod(LocalDate start, LocalDate end) {

    /** The period asked, or the last {@code days} days up to the clinic's today. */
    static ReportPeriod of(String start, String end, Clinic clinic, Clock clock, int days) {
        LocalDate today = LocalDate.now(clock.withZone(clinic.zone()));
        LocalDate to = end == null || end.isBlank() ? today : parse(end);
        LocalDate from = start == null || start.isBlank() ? to.minusDays(days - 1L) : parse(start);
        if (to.isBefore(from)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "The end is before the start.");
        }
        return new ReportPeriod(from, to);
    }

    private static LocalDate parse(String date) {
        try {
            return LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Dates are YYYY-MM-DD.");
        }
    }
}
