package org.ketabridge.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Accepted record versions: append-only, newest version per record wins. */
@Repository
public class RecordStore {

    private static final String COLUMNS =
            "id, clinic_id, kind, record_id, version, patient_mrn, encounter_id, content, content_hash, receipt_id, warnings";

    private final JdbcClient jdbc;

    public RecordStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<StoredVersion> latest(String clinicId, String kind, String recordId) {
        return jdbc.sql("select " + COLUMNS + " from record_version where clinic_id = ? and kind = ? and record_id = ?"
                        + " order by version desc fetch first 1 rows only")
                .params(clinicId, kind, recordId)
                .query(StoredVersion.class)
                .optional();
    }

    public StoredVersion byId(long id) {
        return jdbc.sql("select " + COLUMNS + " from record_version where id = ?")
                .param(id)
                .query(StoredVersion.class)
                .single();
    }

    public long insert(String clinicId, String kind, String recordId, int version, String patientMrn,
                       String encounterId, String content, String contentHash, String receiptId, Instant receivedAt,
                       String warnings) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("insert into record_version (clinic_id, kind, record_id, version, patient_mrn, encounter_id,"
                        + " content, content_hash, receipt_id, received_at, warnings) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(clinicId, kind, recordId, version, patientMrn, encounterId, content, contentHash, receiptId,
                        OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC), warnings)
                .update(keys, "id");
        return keys.getKey().longValue();
    }
}
