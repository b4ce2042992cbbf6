package org.ketabridge.ehr;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the EHR answered a write that reached it: it holds the record ({@code reference} of the
 * main resource, e.g. {@code Encounter/42}, and {@code written}: the id it gave each resource
 * written, by placeholder); it refused it for good ({@code refusal}, from its status and
 * OperationOutcome), so retrying the same content cannot help; or it asked the bridge to slow
 * down (429, {@code throttled}, with its Retry-After when given). A 429 is an answer, not a
 * failure: it neither spends the record's retry budget nor counts against the circuit breaker.
 * A refusal with {@code duplicates} says the EHR holds several resources a conditional write
 * matched: not the record's fault, an alarm for clinic IT. Or it refused the bridge's
 * credentials (401 or 403, {@code credentialsRefused}): the record is not at fault, so it is
 * neither dead-lettered nor charged an attempt; the clinic's sync is held. Or the EHR may hold
 * the record already and nothing can tell ({@code uncertain}, issue 13): it waits for clinic IT.
 * Or, for a patient record whose Patient the bridge finds in the EHR rather than writes (issue 13,
 * match), the EHR holds no patient with its MRN yet ({@code awaitingEhrPatient}: why, in words for
 * clinic IT, without the MRN): not the record's fault either; it waits and is looked for again.
 *
 * <p>Or the record version is {@code notAccepted} by this EHR (issue 13): its main resource is of a
 * type the clinic's plan says {@code none}, or it is a change to a {@code create-only} resource.
 * Nothing was refused and nothing will be retried: the task ends so, saying why. {@code notes}
 * name what of a record was left out (a secondary resource of a type the EHR does not take, a
 * change to a create-only one) when the rest was sent.
 */
public record WriteResult(String reference, String refusal, boolean throttled, Duration retryAfter,
                          Map<String, String> written, Duplicates duplicates, int credentialsRefused,
                          // Tokens (issue 13): no access token could be had; held like refused credentials.
                          TokenUnavailable tokenUnavailable,
                          // Uncertain (issue 13): why the EHR may hold the record already, unknowably.
                          String uncertain,
                          // The EHR's patient (issue 13, match): not found in the EHR (yet), or nothing to search by.
                          String awaitingEhrPatient,
                          // Issue 13: not accepted by this EHR (none, create-only); what was left out of a sent record.
                          NotAccepted notAccepted, List<String> notes) {

    public WriteResult {
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    public WriteResult(String reference, String refusal, boolean throttled, Duration retryAfter,
                       Map<String, String> written, Duplicates duplicates, int credentialsRefused) {
        this(reference, refusal, throttled, retryAfter, written, duplicates, credentialsRefused, null, null, null, null,
                List.of());
    }

    /**
     * The answer to a create of the record's was lost, and the EHR offers no search to find out
     * whether it holds it: not sent again until clinic IT has checked the EHR (task state UNCERTAIN).
     */
    public static WriteResult uncertain(String why) {
        return new WriteResult(null, null, false, null, Map.of(), null, 0, null, why, null, null, List.of());
    }

    /**
     * Why this EHR does not take the record version: the type of the resource it does not take
     * ({@code MedicationAdministration}) and the reason, in words for clinic IT (no patient data).
     */
    public record NotAccepted(String resourceType, String reason) {
    }

    /**
     * Not sent: the EHR does not accept it. {@code written}: what of the record reached the EHR
     * before its main resource was found not accepted (a shared resource written first), by placeholder.
     */
    public static WriteResult notAccepted(NotAccepted why, Map<String, String> written) {
        return new WriteResult(null, null, false, null, Map.copyOf(written), null, 0, null, null, null, why, List.of());
    }

    public boolean isNotAccepted() {
        return notAccepted != null;
    }

    /**
     * Which resource of the write matched several in the EHR: its type, and its placeholder
     * (null when the EHR's answer did not say which of the transaction's resources it was).
     */
    public record Duplicates(String resourceType, String placeholder) {
    }

    public static WriteResult stored(String reference, Map<String, String> written) {
        return stored(reference, written, List.of());
    }

    /** Stored, with what of the record was left out and why ({@code notes}, empty when nothing was). */
    public static WriteResult stored(String reference, Map<String, String> written, List<String> notes) {
        return new WriteResult(reference, null, false, null, Map.copyOf(written), null, 0, null, null, null, null, notes);
    }

    public static WriteResult refused(String refusal) {
        return new WriteResult(null, refusal, false, null, Map.of(), null, 0);
    }

    public static WriteResult duplicates(String refusal, Duplicates duplicates) {
        return new WriteResult(null, refusal, false, null, Map.of(), duplicates, 0);
    }

    public static WriteResult throttled(Duration retryAfter) {
        return new WriteResult(null, null, true, retryAfter, Map.of(), null, 0);
    }

    /** The EHR answered {@code httpStatus} (401 or 403) to the bridge's credentials. */
    public static WriteResult credentialsRefused(int httpStatus) {
        return new WriteResult(null, null, false, null, Map.of(), null, httpStatus);
    }

    public boolean isCredentialsRefused() {
        return credentialsRefused != 0 || tokenUnavailable != null;
    }

    /**
     * Why no access token could be had for the EHR (issue 13): the OAuth {@code error} its token
     * endpoint answered (e.g. {@code invalid_client}) or the bridge's code for "unreachable", its
     * description, and the token endpoint's HTTP status (0 when it did not answer). Nothing was
     * sent to the EHR; like refused credentials it holds the clinic and spends no attempt.
     */
    public record TokenUnavailable(String error, String description, int httpStatus) {
    }

    public static WriteResult tokenUnavailable(TokenUnavailable why) {
        return new WriteResult(null, null, false, null, Map.of(), null, 0, why, null, null, null, List.of());
    }

    /**
     * The patient record's Patient is to be found in the EHR, and cannot be yet: the EHR holds no
     * patient with its MRN (the front desk has not registered it), or there is nothing to search by
     * (no {@code ehr.patient-identifier-system}). {@code why} says which, naming no patient data. The
     * task waits visibly, no attempt spent, and the EHR is searched again later.
     */
    public static WriteResult awaitingEhrPatient(String why) {
        return new WriteResult(null, null, false, null, Map.of(), null, 0, null, null, why, null, List.of());
    }

    public boolean isStored() {
        return reference != null;
    }
}
