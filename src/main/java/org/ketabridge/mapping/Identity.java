package org.ketabridge.mapping;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Identifier;
import org.ketabridge.config.Clinic;

/**
 * Which resource a record is: the one rule, from the contract, that names every resource the
 * bridge writes. Kept apart from the mapping so it can be read and reviewed alone; every
 * conditional write, and so every guarantee against duplicates, rests on it.
 */
public final class Identity {

    private static final DateTimeFormatter VITAL_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private Identity() {
    }

    public static Identifier patient(Clinic clinic, String mrn) {
        return identifier(clinic.identifierSystem("mrn"), mrn);
    }

    public static Identifier encounter(Clinic clinic, String encounterId) {
        return identifier(clinic.identifierSystem("encounter"), encounterId);
    }

    public static Identifier dose(Clinic clinic, String doseId) {
        return identifier(clinic.identifierSystem("dose"), doseId);
    }

    public static Identifier score(Clinic clinic, String scoreId) {
        return identifier(clinic.identifierSystem("score"), scoreId);
    }

    /** The clinic itself, as an Organization. */
    public static Identifier clinic(Clinic clinic) {
        return identifier(clinic.identifierSystem("clinic"), clinic.id());
    }

    /** A treatment course: the sessions sharing a seriesId, as an EpisodeOfCare. */
    public static Identifier series(Clinic clinic, String seriesId) {
        return identifier(clinic.identifierSystem("series"), seriesId);
    }

    /** The body weight used for one dose (not in the contract's table: one per dose). */
    public static Identifier doseWeight(Clinic clinic, String doseId) {
        return identifier(clinic.identifierSystem("dose-weight"), doseId);
    }

    /**
     * The id of the Provenance of one record version: FHIR R4 gives Provenance no identifier, so
     * the write is idempotent by id. Derived from clinic, kind, record id and version.
     */
    public static String provenanceId(Clinic clinic, String kind, String recordId, int version) {
        String key = clinic.identifierSystemBase() + "|" + kind + "|" + recordId + "|" + version;
        return "kb-" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    /** The outcome KetaBridge derives from a score (not in the contract's table: one per score). */
    public static Identifier scoreOutcome(Clinic clinic, String scoreId) {
        return identifier(clinic.identifierSystem("score-outcome"), scoreId);
    }

    /** The safety flag a score raises (PHQ-9 item 9 above 0), one per score. */
    public static Identifier scoreFlag(Clinic clinic, String scoreId) {
        return identifier(clinic.identifierSystem("score-flag"), scoreId);
    }

    /** {@code {encounterId}:{at as UTC, yyyyMMddHHmmss}:{measure}}, measure one of bp, hr, rr, spo2, sedation. */
    public static Identifier vital(Clinic clinic, String encounterId, OffsetDateTime at, String measure) {
        String value = encounterId + ":" + at.withOffsetSameInstant(ZoneOffset.UTC).format(VITAL_TIME) + ":" + measure;
        return identifier(clinic.identifierSystem("vital"), value);
    }

    /**
     * A placeholder id for a resource inside one record's write, stable for the same identifier
     * so that the same record always produces the same request.
     */
    public static String placeholder(Identifier identifier) {
        String key = identifier.getSystem() + "|" + identifier.getValue();
        return "urn:uuid:" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
    }

    private static Identifier identifier(String system, String value) {
        return new Identifier().setSystem(system).setValue(value);
    }
}
