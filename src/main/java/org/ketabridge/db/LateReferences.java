package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * References in the auditors' store made before their target was stored (V12): which resource
 * to reindex once its target arrives, per clinic. References are {@code Type/id}.
 */
@Repository
public class LateReferences {

    /** The one-off reindex of everything stored before late references were tracked (V12). */
    public static final String REINDEX_ALL = "reindex-late-references";

    private final JdbcTemplate template;
    private final JdbcClient jdbc;

    public LateReferences(JdbcTemplate template) {
        this.template = template;
        this.jdbc = JdbcClient.create(template);
    }

    public record Late(String target, String source) {
    }

    /** Remembers each (once: a retried write adds nothing). */
    public void add(String clinicId, Collection<Late> references, Instant now) {
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        for (Late r : references) {
            jdbc.sql("insert into store_late_reference (clinic_id, target, source, created_at)"
                            + " select ?, ?, ?, ? where not exists (select 1 from store_late_reference"
                            + " where clinic_id = ? and target = ? and source = ?)")
                    .params(clinicId, r.target(), r.source(), at, clinicId, r.target(), r.source())
                    .update();
        }
    }

    /** The resources that referred to any of these targets before they were stored. */
    public List<Late> waitingFor(String clinicId, Collection<String> targets) {
        if (targets.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select target, source from store_late_reference where clinic_id = :clinic and target in (:targets)")
                .param("clinic", clinicId).param("targets", targets)
                .query((rs, n) -> new Late(rs.getString("target"), rs.getString("source")))
                .list();
    }

    public void resolved(String clinicId, Late reference) {
        jdbc.sql("delete from store_late_reference where clinic_id = ? and target = ? and source = ?")
                .params(clinicId, reference.target(), reference.source())
                .update();
    }

    public boolean maintenanceDue(String task) {
        return jdbc.sql("select count(*) from store_maintenance where task = ?").param(task).query(Integer.class).single() > 0;
    }

    public void maintenanceDone(String task) {
        template.update("delete from store_maintenance where task = ?", task);
    }
}
