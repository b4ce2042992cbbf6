package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What each clinic's EHR calls the records it holds ({@code Patient/123}), learnt from its answers. */
@Repository
public class EhrLinks {

    private final JdbcClient jdbc;

    public EhrLinks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<String> find(String clinicId, String kind, String recordId) {
        return jdbc.sql("select ehr_reference from ehr_link where clinic_id = ? and kind = ? and record_id = ?")
                .params(clinicId, kind, recordId)
                .query(String.class)
                .optional();
    }

    public void save(String clinicId, String kind, String recordId, String ehrReference, Instant at) {
        OffsetDateTime now = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        int updated = jdbc.sql("update ehr_link set ehr_reference = ?, updated_at = ? where clinic_id = ? and kind = ? and record_id = ?")
                .params(ehrReference, now, clinicId, kind, recordId)
                .update();
        if (updated == 0) {
            jdbc.sql("insert into ehr_link (clinic_id, kind, record_id, ehr_reference, updated_at) values (?, ?, ?, ?, ?)")
                    .params(clinicId, kind, recordId, ehrReference, now)
                    .update();
        }
    }
}
