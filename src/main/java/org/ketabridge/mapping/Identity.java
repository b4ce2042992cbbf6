package org.ketabridge.mapping;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.hl7.fhir.r4.model.Identifier;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;

/**
 * Which resource a record is: the one rule, from the contract, that names every resource the
 * bridge writes. Kept apart from the mapping so it can be read and reviewed alone; every
 * conditional write, and so every guarantee against duplicates, rests on it.
 */
public final class Identity {

    private static final DateTimeFormatter VITAL_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private Identity() {
    }

    /** A record's main resource: {@code {base}/{kind's identifier suffix}|{record id}}. */
    public static Identifier of(Clinic clinic, RecordKind kind, String recordId) {
        return identifier(clinic.identifierSystem(kind.identifierSuffix()), recordId);
    }

    public static Identifier patient(Clinic clinic, String mrn) {
        return of(clinic, RecordKind.PATIENT, mrn);
    }

    public static Identifier encounter(Clinic clinic, String encounterId) {
        return of(clinic, RecordKind.ENCOUNTER, encounterId);
    }

    public static Identifier dose(Clinic clinic, String doseId) {
        return of(clinic, RecordKind.DOSE, doseId);
    }

    public static Identifier score(Clinic clinic, String scoreId) {
        return of(clinic, RecordKind.SCORE, scoreId);
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
    public static DerivedId provenance(Clinic clinic, RecordKind kind, String recordId, int version) {
        return DerivedId.of(clinic.identifierSystemBase() + "|" + kind.name() + "|" + recordId + "|" + version);
    }

    /** The outcome KetaBridge derives from a score (not in the contract's table: one per score). */
    public static Identifier scoreOutcome(Clinic clinic, String scoreId) {
        return identifier(clinic.identifierSystem("score-outcome"), scoreId);
    }

    /** The safety flag a score raises (PHQ-9 item 9 above 0), one per score. */
    public static Identifier scoreFlag(Clinic clinic, String scoreId) {
        return identifier(clinic.identifierSystem("score-flag"), scoreId);
    }

    /**
     * One of a session's own Observations (contract 1.1): {@code {encounterId}:{item}}, item one of
     * concomitant-medications, ready-to-leave, adverse-events. One per field, not one per listed value,
     * so that a changed list is the next version of the same resource: the bridge deletes nothing.
     */
    public static Identifier sessionObservation(Clinic clinic, String encounterId, String item) {
        return identifier(clinic.identifierSystem("session-observation"), encounterId + ":" + item);
    }

    /**
     * The REMS Patient Monitoring Form of one esketamine session: one per encounter, so that a
     * form refilled after a record changed is the next version of the same QuestionnaireResponse.
     */
    public static Identifier remsForm(Clinic clinic, String encounterId) {
        return identifier(clinic.identifierSystem("rems-form"), encounterId);
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
        return derived(identifier).placeholder();
    }

    /**
     * The name-based id of a resource with this identifier: the auditors' store holds each
     * resource at {@code derived(identifier).id()}, and within one record's write it is
     * {@code derived(identifier).placeholder()} (the same UUID).
     */
    public static DerivedId derived(Identifier identifier) {
        return derived(identifier.getSystem(), identifier.getValue());
    }

    public static DerivedId derived(String system, String value) {
        return DerivedId.of(system + "|" + value);
    }

    /**
     * A record's main resource at the id derived from its identifier:
     * {@code MedicationAdministration/kb-...}. Where the auditors' store holds it; and, in the EHR
     * path, what a record refers to when the EHR will never hold what it names (a type it does not
     * accept), so that the record maps and validates as ever before the reference is dropped.
     */
    public static String reference(Clinic clinic, RecordKind kind, String recordId) {
        return kind.resourceType() + "/" + derived(of(clinic, kind, recordId)).id();
    }

    private static Identifier identifier(String system, String value) {
        return new Identifier().setSystem(system).setValue(value);
    }
}
