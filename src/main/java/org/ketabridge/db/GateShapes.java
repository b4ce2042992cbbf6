package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The validation gate's shapes that outlive the process (see V24__gate_shape.sql): admitted ones,
 * so that a restarted bridge passes their records before HAPI's validator has loaded, and failed
 * ones, so that they are never admitted again. Written through, once per shape and state: an
 * admission never overwrites a failure.
 */
@Repository
public class GateShapes {

    public static final String ADMITTED = "ADMITTED";
    public static final String FAILED = "FAILED";

    /** What a shape's verdict depends on besides the shape: HAPI's version, the validator's settings, the definitions' digest. */
    public record Versions(String hapi, String validatorSettings, String definitions) {
    }

    /** One remembered shape. */
    public record Stored(String shapeKey, String state, int distinctPasses) {

        public boolean failed() {
            return FAILED.equals(state);
        }
    }

    private final JdbcClient jdbc;

    public GateShapes(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The shapes remembered under these versions (others can never match a key made now), failed ones first. */
    public List<Stored> load(Versions versions) {
        return jdbc.sql("select shape_key, state, distinct_passes from gate_shape"
                        + " where hapi_version = ? and validator_settings = ? and definitions = ?"
                        + " order by case when state = 'FAILED' then 0 else 1 end, shape_key")
                .params(versions.hapi(), versions.validatorSettings(), versions.definitions())
                .query((rs, i) -> new Stored(rs.getString(1), rs.getString(2), rs.getInt(3)))
                .list();
    }

    /**
     * Deletes the shapes remembered under other versions: a key made now can never match them (the
     * versions are part of it), so without this every upgrade or mapping change would leave its
     * shapes behind for good. Forgetting is always safe: a shape not remembered is validated in
     * full until admitted again, and a failed one fails again before it could be admitted. Returns
     * how many were deleted.
     */
    public int forgetOtherVersions(Versions current) {
        return jdbc.sql("delete from gate_shape where hapi_version <> ? or validator_settings <> ? or definitions <> ?")
                .params(current.hapi(), current.validatorSettings(), current.definitions())
                .update();
    }

    /** Admitted after that many distinct passes; a shape already failed stays failed. */
    public void admitted(String shapeKey, int distinctPasses, Versions versions, Instant at) {
        int updated = jdbc.sql("update gate_shape set state = 'ADMITTED', distinct_passes = ?, updated_at = ?"
                        + " where shape_key = ? and state <> 'FAILED'")
                .params(distinctPasses, utc(at), shapeKey)
                .update();
        if (updated == 0) {
            // Absent, or failed (then the insert finds it there and changes nothing).
            insert(shapeKey, ADMITTED, distinctPasses, versions, at);
        }
    }

    /** Failed, for good. */
    public void failed(String shapeKey, Versions versions, Instant at) {
        if (setFailed(shapeKey, at) == 0 && !insert(shapeKey, FAILED, 0, versions, at)) {
            setFailed(shapeKey, at); // admitted by another path between the two statements
        }
    }

    private int setFailed(String shapeKey, Instant at) {
        return jdbc.sql("update gate_shape set state = 'FAILED', updated_at = ? where shape_key = ?")
                .params(utc(at), shapeKey)
                .update();
    }

    /** Update-then-insert (portable between H2 and PostgreSQL): false when the row was there already. */
    private boolean insert(String shapeKey, String state, int distinctPasses, Versions versions, Instant at) {
        try {
            jdbc.sql("insert into gate_shape (shape_key, state, distinct_passes, hapi_version, validator_settings, definitions,"
                            + " updated_at) values (?, ?, ?, ?, ?, ?, ?)")
                    .params(shapeKey, state, distinctPasses, versions.hapi(), versions.validatorSettings(),
                            versions.definitions(), utc(at))
                    .update();
            return true;
        } catch (DuplicateKeyException alreadyThere) {
            return false;
        }
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
