package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Alerts (issue 17): each clinic's alert events as last evaluated, and the outbox of their webhook
 * notifications ({@code alert_state}, V26). A change of status writes the notification in the same
 * statement; it is due until the receiver answered 2xx, across restarts. Every write is conditional
 * on the transition it expects, so two bridge processes on one database change and send each
 * notification once.
 */
@Repository
public class AlertStates {

    public static final String FIRING = "FIRING";
    public static final String RESOLVED = "RESOLVED";

    /** Due: the receiver was told otherwise than the status now (told nothing counts as resolved). */
    private static final String UNDELIVERED = "status <> coalesce(notified_status, 'RESOLVED')";

    private final JdbcClient jdbc;

    public AlertStates(JdbcTemplate template) {
        this.jdbc = JdbcClient.create(template);
    }

    /** An event of a clinic as stored: its status, and how many times it changed (0: never fired). */
    public record Stored(String event, String status, long transition) {
    }

    /** A notification to send: the change it tells, its body as stored, its attempts so far. */
    public record Due(String clinicId, String event, String status, long transition, String body, int attempts) {
    }

    public List<Stored> of(String clinicId) {
        return jdbc.sql("select event, status, transition from alert_state where clinic_id = ?")
                .param(clinicId)
                .query((rs, i) -> new Stored(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .list();
    }

    /**
     * The event takes {@code status} as change number {@code transition} (1 for its first firing),
     * with its notification due now; false when another process changed it first.
     */
    public boolean change(String clinicId, String event, String status, long transition, Instant at, String body) {
        OffsetDateTime when = utc(at);
        if (transition == 1) {
            try {
                return jdbc.sql("insert into alert_state (clinic_id, event, status, changed_at, transition, body,"
                                + " notified_status, attempts, next_attempt_at) values (?, ?, ?, ?, 1, ?, null, 0, ?)")
                        .params(clinicId, event, status, when, body, when)
                        .update() == 1;
            } catch (DuplicateKeyException e) {
                return false;
            }
        }
        return jdbc.sql("update alert_state set status = ?, changed_at = ?, transition = ?, body = ?, attempts = 0,"
                        + " next_attempt_at = ?, last_error = null where clinic_id = ? and event = ? and transition = ?")
                .params(status, when, transition, body, when, clinicId, event, transition - 1)
                .update() == 1;
    }

    /** The undelivered notifications of these clinics due at {@code now}, the longest waiting first. */
    public List<Due> due(Collection<String> clinicIds, Instant now, int limit) {
        if (clinicIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select clinic_id, event, status, transition, body, attempts from alert_state where "
                        + UNDELIVERED + " and next_attempt_at <= :now and clinic_id in (:clinics)"
                        + " order by next_attempt_at fetch first " + limit + " rows only")
                .param("now", utc(now))
                .param("clinics", clinicIds)
                .query((rs, i) -> new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getInt(6)))
                .list();
    }

    /**
     * This process sends the notification, until {@code until}: false when it is no longer due
     * (another process took it, or the event changed again). A process that dies while sending
     * leaves it due again at {@code until}.
     */
    public boolean claim(Due notification, Instant now, Instant until) {
        return jdbc.sql("update alert_state set next_attempt_at = ? where clinic_id = ? and event = ? and transition = ?"
                        + " and next_attempt_at <= ? and " + UNDELIVERED)
                .params(utc(until), notification.clinicId(), notification.event(), notification.transition(), utc(now))
                .update() == 1;
    }

    /**
     * The receiver took it (2xx): it knows the status this notification told. When the event changed
     * meanwhile, the newer change stays due (its own attempts untouched).
     */
    public void delivered(Due notification) {
        jdbc.sql("update alert_state set notified_status = ?,"
                        + " attempts = case when transition = ? then 0 else attempts end,"
                        + " last_error = case when transition = ? then null else last_error end"
                        + " where clinic_id = ? and event = ?")
                .params(notification.status(), notification.transition(), notification.transition(),
                        notification.clinicId(), notification.event())
                .update();
    }

    /** Not taken (an answer other than 2xx, or none): tried again at {@code next}; {@code error} names no URL and no content. */
    public void failed(Due notification, Instant next, String error) {
        jdbc.sql("update alert_state set attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
                        + " where clinic_id = ? and event = ? and transition = ?")
                .params(utc(next), error.length() > 200 ? error.substring(0, 200) : error, notification.clinicId(), notification.event(), notification.transition())
                .update();
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
