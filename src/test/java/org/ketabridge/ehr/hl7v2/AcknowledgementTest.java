package org.ketabridge.ehr.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An EHR's ACK as the bridge reads it (issue 14): the code and the control id it acknowledges, and
 * for an error the words clinic IT finds in the dead letter, whatever the ACK's version (v2.5's ERR
 * fields, v2.3's ERR-1), its delimiters and its escapes; and what is not an ACK.
 */
class AcknowledgementTest {

    private static final String MSH = "MSH|^~\\&|EPIC|MAIN|KetaBridge|KB-NORTH|20260301080000||ACK^A04^ACK|E-77|P|2.5.1\r";

    @Test
    void aaAndCaAcceptTheMessageTheyName() {
        Acknowledgement aa = read(MSH + "MSA|AA|KB42\r");
        assertThat(aa.code()).isEqualTo("AA");
        assertThat(aa.controlId()).isEqualTo("KB42");
        assertThat(aa.accepted()).isTrue();
        assertThat(aa.refused()).isFalse();
        assertThat(aa.rejected()).isFalse();
        assertThat(aa.errorText()).isEmpty();

        Acknowledgement ca = read(MSH + "MSA|CA|KB43\r");
        assertThat(ca.accepted()).isTrue();
        assertThat(ca.controlId()).isEqualTo("KB43");
    }

    @Test
    void anAeTellsWhereWhatAndTheUserMessage() {
        Acknowledgement ae = read(MSH + "MSA|AE|KB42\r"
                + "ERR||OBX^2^3|103^Table value not found^HL70357|E||||Unknown test code in OBX-3\r");

        assertThat(ae.refused()).isTrue();
        assertThat(ae.accepted()).isFalse();
        assertThat(ae.rejected()).isFalse();
        assertThat(ae.errorText()).isEqualTo("OBX-3: Table value not found: Unknown test code in OBX-3");
    }

    @Test
    void withoutAUserMessageTheDiagnosticAndWithoutTextTheCodeAreTheWords() {
        assertThat(read(MSH + "MSA|AE|KB42\rERR|||207|E|||Duplicate order number\r").errorText())
                .isEqualTo("207: Duplicate order number");
        assertThat(read(MSH + "MSA|AE|KB42\rERR|||207^^HL70357|E\r").errorText()).isEqualTo("207");
    }

    @Test
    void theTextMessageOfMsaAndEveryErrAreKept() {
        Acknowledgement ce = read(MSH + "MSA|CE|KB42|Message not stored\r"
                + "ERR||PID^1^7|102^Data type error|E||||Birth date in the future\r"
                + "ERR||PID^1^8|103^Table value not found|E\r");

        assertThat(ce.refused()).isTrue();
        assertThat(ce.errorText()).isEqualTo("Message not stored; PID-7: Data type error: Birth date in the future;"
                + " PID-8: Table value not found");
    }

    @Test
    void arAndCrAreRejectionsNotRefusals() {
        Acknowledgement ar = read(MSH + "MSA|AR|KB42|System busy\r");
        assertThat(ar.rejected()).isTrue();
        assertThat(ar.refused()).isFalse();
        assertThat(ar.accepted()).isFalse();
        assertThat(ar.errorText()).isEqualTo("System busy");

        Acknowledgement cr = read(MSH + "MSA|CR|KB42\r");
        assertThat(cr.rejected()).isTrue();
        assertThat(cr.accepted()).isFalse();
    }

    @Test
    void anAckOfAnotherMessageNamesThatMessage() {
        assertThat(read(MSH + "MSA|AA|KB41\r").controlId()).isEqualTo("KB41");
    }

    /** v2.3 has no ERR-2 to ERR-12: the location and the error are ERR-1's components, the code in subcomponents. */
    @Test
    void aV23AckIsReadToo() {
        String v23 = "MSH|^~\\&|EHR|HOSP|KetaBridge|KB-NORTH|20260301080000||ACK|E-78|P|2.3\r"
                + "MSA|AE|KB42|Invalid value\r"
                + "ERR|PID^1^7^102&Data type error&HL70357\r";

        Acknowledgement ae = read(v23);

        assertThat(ae.refused()).isTrue();
        assertThat(ae.controlId()).isEqualTo("KB42");
        assertThat(ae.errorText()).isEqualTo("Invalid value; PID-7: Data type error");
    }

    /** Another EHR's delimiters, escapes of them in the text, and segments ended by CR LF. */
    @Test
    void theAcksOwnDelimitersAndEscapesAreHonoured() {
        String ack = "MSH#*~!%#EHR#HOSP#KetaBridge#KB#20260301080000##ACK#E-79#P#2.5.1\r\n"
                + "MSA#AE#KB42\r\n"
                + "ERR###207*Rule !F! broken#E####Dose !S! weight !T! rate !E! more\r\n";

        Acknowledgement ae = read(ack);

        assertThat(ae.controlId()).isEqualTo("KB42");
        assertThat(ae.errorText()).isEqualTo("Rule # broken: Dose * weight % rate ! more");
    }

    /** An ACK as HAPI writes it, its ERR-8 holding HL7's own delimiters: the words arrive as written. */
    @Test
    void anAckMadeByHapiIsReadWithItsWordsUnescaped() throws Exception {
        HapiContext hapi = new DefaultHapiContext();
        hapi.setValidationContext(ValidationContextFactory.noValidation());
        Message sent = hapi.getPipeParser().parse(Files.readString(Path.of("src/test/resources/hl7-out/adt-a04.hl7"))
                .replace("\r\n", "\r").replace('\n', '\r'));
        Message ack = sent.generateACK(AcknowledgmentCode.AE, new HL7Exception("Unknown facility"));
        new Terser(ack).set("/ERR(0)-8", "PID-3 | assigning authority ^ not known");

        Acknowledgement read = read(hapi.getPipeParser().encode(ack));

        assertThat(read.code()).isEqualTo("AE");
        assertThat(read.controlId()).isEqualTo("KB101");
        assertThat(read.errorText()).isEqualTo("Application internal error: PID-3 | assigning authority ^ not known");
    }

    @Test
    void whatIsNotAnAckIsNotRead() {
        assertThat(Acknowledgement.read(null)).isEmpty();
        assertThat(Acknowledgement.read("")).isEmpty();
        assertThat(Acknowledgement.read("HTTP/1.1 400 Bad Request\r\n")).isEmpty();
        assertThat(Acknowledgement.read(MSH)).as("no MSA").isEmpty();
        assertThat(Acknowledgement.read(MSH + "MSA|OK|KB42\r")).as("no such acknowledgement code").isEmpty();
        assertThat(Acknowledgement.read(MSH + "MSA\r")).as("an empty MSA").isEmpty();
    }

    private static Acknowledgement read(String ack) {
        return Acknowledgement.read(ack).orElseThrow(() -> new AssertionError("not read: " + ack));
    }
}
