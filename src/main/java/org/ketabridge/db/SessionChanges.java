package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Sessions whose records changed and whose derived REMS form is to be refilled ({@code session_change},
 * V27): noted by intake in the transaction that stores the change, taken by the refill, removed by id
 * once the refill that read them commits. Removing the ids read (not "everything up to") keeps a note
 * whose transaction commits during a refill, even with a smaller id, for the next one.
 */
@Repository
public class SessionChanges {

    private static final RowMapper<Change> CHANGE = Rows.of(Change.class);

    private final JdbcTemplate template;
    private final JdbcClient jdbc;

    public SessionChanges(JdbcTemplate template) {
        this.template = template;
        this.jdbc = JdbcClient.create(template);
    }

    /** One change noted: the session (its encounterId) and the receipt of the record that changed it. */
    public record Change(long id, String clinicId, String encounterId, String receiptId) {
    }

    /** A session changed, by a record of this receipt. */
    public record Noted(String encounterId, String receiptId) {
    }

    public void noteAll(String clinicId, Collection<Noted> changes, Instant now) {
        if (changes.isEmpty()) {
            return;
        }
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        template.batchUpdate("insert into session_change (clinic_id, encounter_id, receipt_id, changed_at) values (?, ?, ?, ?)",
                changes.stream().map(c -> new Object[] {clinicId, c.encounterId(), c.receiptId(), at}).toList());
    }

    /** The oldest notes, at most {@code limit}. */
    public List<Change> oldest(int limit) {
        return jdbc.sql("select id, clinic_id, encounter_id, receipt_id from session_change order by id fetch first "
                        + limit + " rows only")
                .query(CHANGE)
                .list();
    }

    /** The notes a refill has dealt with, by id. */
    public void removeAll(Collection<Long> ids) {
        template.batchUpdate("delete from session_change where id = ?", ids.stream().map(id -> new Object[] {id}).toList());
    }

    /** Notes not yet dealt with (tests, and whoever waits for the forms to be current). */
    public int pending() {
        return jdbc.sql("select count(*) from session_change").query(Integer.class).single();
    }
}
