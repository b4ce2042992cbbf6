package org.ketabridge.ehr.hl7v2;

import java.util.Map;
import java.util.Optional;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.logging.LogSafe;
import org.ketabridge.mapping.v2.ControlIds;
import org.ketabridge.mapping.v2.V2Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the EHR's answer to one message means for its record version (issue 14), decided apart
 * from the socket so that every answer can be tried without one:
 *
 * <ul>
 * <li>{@code AA}/{@code CA} acknowledging this message's control id: held by the EHR
 *     ({@link WriteResult#stored}: SENT, linked under {@code reference});</li>
 * <li>{@code AE}/{@code CE}: refused for good ({@link WriteResult#refused}, with the EHR's error
 *     text: a dead letter, as a FHIR refusal);</li>
 * <li>{@code AR}/{@code CR} (not processed: the EHR's trouble, not the record's), no ACK (silence
 *     past the timeout, a lost connection), an answer that is not an ACK, or an ACK of another
 *     message: {@link EhrUnavailableException}, retried with backoff and counted by the circuit
 *     breaker. Its words go to the task's last error, which clinic IT sees.</li>
 * </ul>
 *
 * Logs name control ids and ACK codes only, never the message or the EHR's text (it may quote the record).
 */
final class AckDecision {

    private static final Logger log = LoggerFactory.getLogger(AckDecision.class);

    private AckDecision() {
    }

    /** {@code answer}: the ACK as received, or null; {@code failure}: why the exchange failed, if it did. */
    static WriteResult of(String clinicId, V2Message message, String reference, String answer, Exception failure) {
        String id = message.controlId();
        if (answer == null || answer.isEmpty()) {
            String why = failure == null ? "no ACK" : LogSafe.kinds(failure);
            log.info("Clinic {}: message {} not acknowledged by the EHR ({})", clinicId, id, why);
            throw new EhrUnavailableException("no ACK from the EHR for message " + id + " (" + why + ")", null);
        }
        Optional<Acknowledgement> read = Acknowledgement.read(answer);
        if (read.isEmpty()) {
            log.info("Clinic {}: message {} answered by something that is not an HL7 ACK", clinicId, id);
            throw new EhrUnavailableException("the EHR's answer to message " + id + " is not an HL7 ACK", null);
        }
        Acknowledgement ack = read.get();
        if (!id.equals(ack.controlId())) {
            // A late ACK of an earlier message, or an EHR that mixes up its answers: this message is not known to be taken.
            log.warn("Clinic {}: message {} answered by an ACK of another message (MSA-2 {})", clinicId, id,
                    printable(ack.controlId()));
            throw new EhrUnavailableException("the EHR acknowledged another message (MSA-2 " + printable(ack.controlId())
                    + ") instead of " + id, null);
        }
        if (ack.accepted()) {
            log.debug("Clinic {}: message {} {}", clinicId, id, ack.code());
            return WriteResult.stored(reference, Map.of());
        }
        String words = ack.errorText().isEmpty() ? "" : ": " + ack.errorText();
        if (ack.refused()) {
            log.info("Clinic {}: message {} refused by the EHR ({})", clinicId, id, ack.code());
            return WriteResult.refused("the EHR answered " + ack.code() + " to " + message.type() + " " + id + words);
        }
        log.info("Clinic {}: message {} rejected by the EHR for now ({})", clinicId, id, ack.code());
        throw new EhrUnavailableException("the EHR answered " + ack.code() + " (rejected, not processed) to " + id + words, null);
    }

    /** MSA-2 as it may be logged and kept: one of the bridge's own control ids, or not named (it could hold anything). */
    private static String printable(String id) {
        return ControlIds.isOurs(id) ? id : id.isEmpty() ? "empty" : "not a control id of the bridge";
    }
}
