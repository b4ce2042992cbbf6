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
            "id, clinic_id, kind, record_id, version, patient_mrn, encounter_id, content, content_hash, receipt_id, warnings, received_at";

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

    /** The latest version of each record of one kind of a patient. */
    public java.util.List<StoredVersion> latestOfPatient(String clinicId, String kind, String patientMrn) {
        return jdbc.sql("select " + COLUMNS + " from record_version v where clinic_id = ? and kind = ? and patient_mrn = ?"
                        + " and version = (select max(version) from record_version w where w.clinic_id = v.clinic_id"
                        + " and w.kind = v.kind and w.record_id = v.record_id)")
                .params(clinicId, kind, patientMrn)
                .query(StoredVersion.class)
                .list();
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
