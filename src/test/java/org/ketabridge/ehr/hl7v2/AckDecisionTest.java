package org.ketabridge.ehr.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.SocketTimeoutException;
import org.apache.camel.component.mllp.MllpAcknowledgementTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.v2.V2Message;
import org.slf4j.LoggerFactory;

/**
 * What the bridge makes of each answer to a message (issue 14), without a socket: sent (the
 * record is linked and its task SENT), a dead letter with the EHR's words (a refusal, as a FHIR
 * 4xx), or retried with backoff (an {@link EhrUnavailableException}, which the circuit breaker
 * counts). The EHR's words reach the task, never the log.
 */
class AckDecisionTest {

    private static final String MSH = "MSH|^~\\&|EPIC|MAIN|KetaBridge|KB-NORTH|20260301080000||ACK|E-1|P|2.5.1\r";
    private static final V2Message MESSAGE = new V2Message("KB42", "ORU^R01", "MSH|...");
    private static final String REFERENCE = "Encounter/kb-e-42";
    private static final String WORDS = "Patient Zyxwv unknown in PID-3";

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(AckDecision.class)).addAppender(log);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(AckDecision.class)).detachAppender(log);
    }

    @Test
    void aaIsSentUnderTheRecordsReference() {
        WriteResult result = decide(MSH + "MSA|AA|KB42\r");

        assertThat(result.reference()).isEqualTo(REFERENCE);
        assertThat(result.refusal()).isNull();
    }

    @Test
    void caIsSentToo() {
        assertThat(decide(MSH + "MSA|CA|KB42\r").reference()).isEqualTo(REFERENCE);
    }

    @Test
    void aeIsADeadLetterWithTheEhrsWordsWhichTheLogNeverHolds() {
        WriteResult result = decide(MSH + "MSA|AE|KB42\rERR||PID^1^3|204^Unknown key identifier|E||||" + WORDS + "\r");

        assertThat(result.refusal()).isEqualTo("the EHR answered AE to ORU^R01 KB42: PID-3: Unknown key identifier: " + WORDS);
        assertThat(result.reference()).isNull();
        assertThat(logged()).contains("KB42").contains("AE").doesNotContain("Zyxwv").doesNotContain("Unknown key");
    }

    @Test
    void ceIsADeadLetterToo() {
        assertThat(decide(MSH + "MSA|CE|KB42|" + WORDS + "\r").refusal()).startsWith("the EHR answered CE").endsWith(WORDS);
    }

    @Test
    void arIsRetriedWithTheEhrsWordsKeptForTheTask() {
        assertThatThrownBy(() -> decide(MSH + "MSA|AR|KB42|" + WORDS + "\r"))
                .isInstanceOf(EhrUnavailableException.class)
                .hasMessage("the EHR answered AR (rejected, not processed) to KB42: " + WORDS);
        assertThat(logged()).contains("AR").doesNotContain("Zyxwv");
    }

    @Test
    void crIsRetried() {
        assertThatThrownBy(() -> decide(MSH + "MSA|CR|KB42\r")).isInstanceOf(EhrUnavailableException.class)
                .hasMessageStartingWith("the EHR answered CR");
    }

    /** A late ACK of an earlier message, on the connection: this message is not known to be taken. */
    @Test
    void anAckOfAnotherMessageIsRetriedEvenWhenItAccepts() {
        assertThatThrownBy(() -> decide(MSH + "MSA|AA|KB41\r")).isInstanceOf(EhrUnavailableException.class)
                .hasMessage("the EHR acknowledged another message (MSA-2 KB41) instead of KB42");
    }

    /** MSA-2 is named only when it is one of the bridge's own control ids: an EHR could write anything there. */
    @Test
    void anotherSendersIdIsNeitherLoggedNorKept() {
        assertThatThrownBy(() -> decide(MSH + "MSA|AA|Zyxwv-19840312\r"))
                .isInstanceOf(EhrUnavailableException.class)
                .hasMessage("the EHR acknowledged another message (MSA-2 not a control id of the bridge) instead of KB42");
        assertThat(logged()).contains("KB42").doesNotContain("Zyxwv");
    }

    @Test
    void anAnswerThatIsNotAnAckIsRetried() {
        assertThatThrownBy(() -> decide("HTTP/1.1 400 Bad Request\r\n\r\n" + WORDS)).isInstanceOf(EhrUnavailableException.class)
                .hasMessage("the EHR's answer to message KB42 is not an HL7 ACK");
        assertThat(logged()).doesNotContain("Zyxwv");
    }

    @Test
    void noAckIsRetriedNamingTheKindOfFailure() {
        Exception timeout = new MllpAcknowledgementTimeoutException("Timeout receiving HL7 Acknowledgement", new byte[0],
                new SocketTimeoutException("Read timed out"), false);

        assertThatThrownBy(() -> AckDecision.of("north", MESSAGE, REFERENCE, null, timeout))
                .isInstanceOf(EhrUnavailableException.class)
                .hasMessageStartingWith("no ACK from the EHR for message KB42 (MllpAcknowledgementTimeoutException");
        assertThatThrownBy(() -> AckDecision.of("north", MESSAGE, REFERENCE, "", null))
                .isInstanceOf(EhrUnavailableException.class).hasMessage("no ACK from the EHR for message KB42 (no ACK)");
    }

    private static WriteResult decide(String answer) {
        return AckDecision.of("north", MESSAGE, REFERENCE, answer, null);
    }

    private String logged() {
        return String.join("\n", log.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }
}
