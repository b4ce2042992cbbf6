package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The access audit trail as the bridge first writes it: one row per request, durable before the
 * request's thread moves on, whatever becomes of the auditors' store. Rows are forwarded to the
 * store as AuditEvents and then marked stored, or, when the store refuses one however often it is
 * sent, quarantined: kept as it is, no longer due, and counted.
 */
@Repository
public class AccessAuditLog {

    private final JdbcClient jdbc;

    public AccessAuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    public void append(AccessRecord r) {
        jdbc.sql("insert into access_audit (request_id, occurred_at, subject, issuer, role, token_clinics, client_address,"
                        + " method, path, query, status, clinic_id, patient_reference) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(r.requestId(), utc(r.occurredAt()), cut(r.subject(), 300), cut(r.issuer(), 300), r.role(),
                        r.tokenClinics() == null ? null : cut(String.join(",", r.tokenClinics()), 4000),
                        cut(r.clientAddress(), 100), r.method(), cut(r.path(), 2000), cut(r.query(), 4000), r.status(),
                        r.clinicId(), cut(r.patientReference(), 300))
                .update();
    }

    /** Rows not yet in the auditors' store nor quarantined, oldest first. */
    public List<AccessRecord> unstored(int limit) {
        return jdbc.sql("select id, request_id, occurred_at, subject, issuer, role, token_clinics, client_address, method,"
                        + " path, query, status, clinic_id, patient_reference from access_audit where stored_at is null"
                        + " and quarantined_at is null order by id fetch first " + limit + " rows only")
                .query((rs, n) -> new AccessRecord(rs.getLong("id"), rs.getString("request_id"),
                        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(), rs.getString("subject"),
                        rs.getString("issuer"), rs.getString("role"), clinics(rs.getString("token_clinics")),
                        rs.getString("client_address"), rs.getString("method"), rs.getString("path"), rs.getString("query"),
                        rs.getInt("status"), rs.getString("clinic_id"), rs.getString("patient_reference")))
                .list();
    }

    /** One statement for a forwarded batch (up to 200 rows), not one per row. */
    public void markStored(List<Long> ids, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql("update access_audit set stored_at = :now where id in (:ids)")
                .param("now", utc(now))
                .param("ids", ids)
                .update();
    }

    /**
     * One more failed attempt to store the row on its own; at {@code maxAttempts} it is quarantined.
     * {@code error} names the kind of failure only (never a message: it may quote the request).
     *
     * @return the attempts made so far
     */
    public int failedAlone(long id, String error, int maxAttempts, Instant now) {
        jdbc.sql("update access_audit set forward_attempts = forward_attempts + 1, forward_error = :error,"
                        + " quarantined_at = case when forward_attempts + 1 >= :max then :now else null end where id = :id")
                .param("error", cut(error, 300))
                .param("max", maxAttempts)
                .param("now", utc(now))
                .param("id", id)
                .update();
        return jdbc.sql("select forward_attempts from access_audit where id = ?").param(id).query(Integer.class).single();
    }

    public long quarantined() {
        return jdbc.sql("select count(*) from access_audit where quarantined_at is not null").query(Long.class).single();
    }

    /** Rows waiting for the auditors' store (neither stored nor quarantined). */
    public long waiting() {
        return jdbc.sql("select count(*) from access_audit where stored_at is null and quarantined_at is null")
                .query(Long.class).single();
    }

    private static Set<String> clinics(String joined) {
        return joined == null || joined.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(joined.split(",")));
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
