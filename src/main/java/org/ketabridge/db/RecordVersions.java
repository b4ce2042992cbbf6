package org.ketabridge.db;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Accepted record versions: append-only, newest version per record wins. */
@Repository
public class RecordVersions {

    private static final String COLUMNS =
            "id, clinic_id, kind, record_id, version, patient_mrn, encounter_id, content, content_hash, receipt_id, warnings, received_at";

    /** Ids per IN list: well under what H2 and PostgreSQL accept, large enough that a batch takes few queries. */
    private static final int IN_LIST_SIZE = 500;

    private static final RowMapper<StoredVersion> STORED_VERSION = Rows.of(StoredVersion.class);

    private final JdbcTemplate template;
    private final JdbcClient jdbc;

    public RecordVersions(JdbcTemplate template) {
        this.template = template;
        this.jdbc = JdbcClient.create(template);
    }

    /** The latest version of each record of one kind of a patient. */
    public List<StoredVersion> latestOfPatient(String clinicId, String kind, String patientMrn) {
        return jdbc.sql("select " + COLUMNS + " from record_version v where clinic_id = ? and kind = ? and patient_mrn = ?"
                        + " and version = (select max(version) from record_version w where w.clinic_id = v.clinic_id"
                        + " and w.kind = v.kind and w.record_id = v.record_id)")
                .params(clinicId, kind, patientMrn)
                .query(STORED_VERSION)
                .list();
    }

    public StoredVersion byId(long id) {
        return jdbc.sql("select " + COLUMNS + " from record_version where id = ?")
                .param(id)
                .query(STORED_VERSION)
                .single();
    }

    /**
     * The latest version of each of these records that is stored, by record id: one query per
     * 500 ids, so a batch of a thousand lines costs two queries, not a thousand.
     */
    public Map<String, StoredVersion> latestOf(String clinicId, String kind, Collection<String> recordIds) {
        Map<String, StoredVersion> latest = new HashMap<>();
        List<String> ids = List.copyOf(new LinkedHashSet<>(recordIds));
        for (int from = 0; from < ids.size(); from += IN_LIST_SIZE) {
            jdbc.sql("select " + COLUMNS + " from record_version v where clinic_id = :clinic and kind = :kind"
                            + " and record_id in (:ids) and version = (select max(version) from record_version w"
                            + " where w.clinic_id = v.clinic_id and w.kind = v.kind and w.record_id = v.record_id)")
                    .param("clinic", clinicId).param("kind", kind)
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST_SIZE)))
                    .query(STORED_VERSION)
                    .list()
                    .forEach(v -> latest.put(v.recordId(), v));
        }
        return latest;
    }

    /**
     * The latest version of each record of one kind of a clinic whose first version came at or after
     * {@code since}: a record cannot be sent before it happens (intake refuses times more than minutes
     * ahead), so the records of a period are among those received since its start.
     */
    public List<StoredVersion> latestReceivedSince(String clinicId, String kind, Instant since) {
        return jdbc.sql("select " + COLUMNS + " from record_version v where clinic_id = ? and kind = ?"
                        + " and version = (select max(version) from record_version w where w.clinic_id = v.clinic_id"
                        + " and w.kind = v.kind and w.record_id = v.record_id)"
                        + " and exists (select 1 from record_version f where f.clinic_id = v.clinic_id and f.kind = v.kind"
                        + " and f.record_id = v.record_id and f.version = 1 and f.received_at >= ?)")
                .params(clinicId, kind, OffsetDateTime.ofInstant(since, ZoneOffset.UTC))
                .query(STORED_VERSION)
                .list();
    }

    /** The latest version of each record of one kind that belongs (in that version) to one of these encounters. */
    public List<StoredVersion> latestOfEncounters(String clinicId, String kind, Collection<String> encounterIds) {
        List<StoredVersion> latest = new ArrayList<>();
        List<String> ids = List.copyOf(new LinkedHashSet<>(encounterIds));
        for (int from = 0; from < ids.size(); from += IN_LIST_SIZE) {
            latest.addAll(jdbc.sql("select " + COLUMNS + " from record_version v where clinic_id = :clinic and kind = :kind"
                            + " and encounter_id in (:ids) and version = (select max(version) from record_version w"
                            + " where w.clinic_id = v.clinic_id and w.kind = v.kind and w.record_id = v.record_id)")
                    .param("clinic", clinicId).param("kind", kind)
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST_SIZE)))
                    .query(STORED_VERSION)
                    .list());
        }
        return latest;
    }

    /** A version to be stored. */
    public record NewVersion(String clinicId, String kind, String recordId, int version, String patientMrn,
                             String encounterId, String content, String contentHash, String receiptId,
                             Instant receivedAt, String warnings) {
    }

    /** Stores the versions in one JDBC batch; their ids, in the same order. */
    public List<Long> insertAll(List<NewVersion> versions) {
        if (versions.isEmpty()) {
            return List.of();
        }
        KeyHolder keys = new GeneratedKeyHolder();
        template.batchUpdate(connection -> connection.prepareStatement("insert into record_version (clinic_id, kind,"
                        + " record_id, version, patient_mrn, encounter_id, content, content_hash, receipt_id, received_at,"
                        + " warnings) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"}),
                new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        NewVersion v = versions.get(i);
                        ps.setString(1, v.clinicId());
                        ps.setString(2, v.kind());
                        ps.setString(3, v.recordId());
                        ps.setInt(4, v.version());
                        ps.setString(5, v.patientMrn());
                        ps.setString(6, v.encounterId());
                        ps.setString(7, v.content());
                        ps.setString(8, v.contentHash());
                        ps.setString(9, v.receiptId());
                        ps.setObject(10, OffsetDateTime.ofInstant(v.receivedAt(), ZoneOffset.UTC));
                        ps.setString(11, v.warnings());
                    }

                    @Override
                    public int getBatchSize() {
                        return versions.size();
                    }
                }, keys);
        List<Long> ids = keys.getKeyList().stream().map(row -> ((Number) row.values().iterator().next()).longValue()).toList();
        if (ids.size() != versions.size()) {
            throw new IllegalStateException("the database returned " + ids.size() + " ids for " + versions.size() + " versions");
        }
        return ids;
    }
}
