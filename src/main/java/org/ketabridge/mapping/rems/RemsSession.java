package org.ketabridge.mapping.rems;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One esketamine session as the REMS form needs it, in plain values: whoever reads the stored
 * records builds it (the encounter, its doses, its vital sets), so the filler depends on no
 * mapping or storage code. Times carry the clinic's offset: the session's date is the date of
 * {@code start} as given. The three lists and {@code readyToLeaveMinutes} are contract 1.1's
 * optional encounter fields: {@code null} means not recorded, an empty list means none.
 *
 * @param encounterId the clinic's encounterId (names the form: one per session)
 * @param patientReference the patient as the form's subject, e.g. {@code Patient/kb-...}
 * @param encounterReference the session's Encounter
 * @param start the encounter's start
 * @param end the encounter's end (the end of monitoring); null while it is not finished
 * @param doses every dose of the session, given or not
 * @param vitals every vital set of the session (only those with a blood pressure count here)
 */
public record RemsSession(
        String encounterId,
        String patientReference,
        String encounterReference,
        OffsetDateTime start,
        OffsetDateTime end,
        List<Dose> doses,
        List<VitalSet> vitals,
        List<String> concomitantMedications,
        Integer readyToLeaveMinutes,
        List<String> adverseEvents) {

    public RemsSession {
        doses = doses == null ? List.of() : List.copyOf(doses);
        vitals = vitals == null ? List.of() : List.copyOf(vitals);
        concomitantMedications = concomitantMedications == null ? null : List.copyOf(concomitantMedications);
        adverseEvents = adverseEvents == null ? null : List.copyOf(adverseEvents);
    }

    /**
     * One dose record: its start (its first device), the mg given, its lot, and the contract's
     * status ({@code not-done} gives nothing). A dose's device count is its mg / 28 (the contract),
     * so the form reads the mg.
     */
    public record Dose(OffsetDateTime start, BigDecimal doseMg, String lotNumber, String status) {

        /** Whether any of it was given: every status but not-done, with an amount. */
        boolean given() {
            return !"not-done".equals(status) && doseMg != null && doseMg.signum() > 0;
        }
    }

    /** One vital set's time and blood pressure (either may be absent from a set that measured other things). */
    public record VitalSet(OffsetDateTime at, Integer systolic, Integer diastolic) {

        boolean hasBloodPressure() {
            return systolic != null && diastolic != null;
        }
    }
}
