package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The record versions whose FHIR passed validation (see V6__validated_version.sql). */
@Repository
public class ValidatedVersions {

    private final JdbcClient jdbc;

    public ValidatedVersions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean contains(long recordVersionId) {
        return jdbc.sql("select count(*) from validated_version where record_version_id = ?")
                .param(recordVersionId)
                .query(Integer.class)
                .single() > 0;
    }

    public void add(long recordVersionId, Instant validatedAt) {
        try {
            jdbc.sql("insert into validated_version (record_version_id, validated_at) values (?, ?)")
                    .params(recordVersionId, OffsetDateTime.ofInstant(validatedAt, ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException alreadyThere) {
            // Both paths validated the same version at once: one verdict is enough.
        }
    }
}
