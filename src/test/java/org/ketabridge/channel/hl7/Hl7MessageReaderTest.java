package org.ketabridge.channel.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.FieldError;
import org.ketabridge.intake.Receipt;
import org.ketabridge.intake.Rejection;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.record.RecordKind;
import org.ketabridge.support.Hl7Messages;
import org.ketabridge.support.TestClinics;

/** The reader without Spring: each message type into the contract's JSON, with HL7 locations, and the refusals. */
class Hl7MessageReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClinicRegistry CLINICS = TestClinics.registry(Map.of(
            "bridge.clinics[0].id", "north", "bridge.clinics[0].time-zone", "America/Denver",
            "bridge.clinics[0].ehr.type", "none", "bridge.clinics[0].hl7-facility", "NORTH"));
    private static final Clinic NORTH = CLINICS.find("north").orElseThrow();
    private static final Hl7MessageReader READER = reader();

    private static Hl7MessageReader reader() {
        try {
            return new Hl7MessageReader(new Terminology(FhirContext.forR4Cached(), CLINICS));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Hl7Records read(String message) {
        Hl7Header header = READER.header(message);
        READER.check(header);
        return READER.read(message, header, NORTH);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static JsonNode line(Hl7Records records, int i) throws Exception {
        return json(records.records().get(i).line().json().toString());
    }

    @Test
    void anAdtA04IsThePatientAnHttpClientWouldSend() throws Exception {
        Hl7Records records = read(Hl7Messages.adt("NORTH", "A04", "C1", "MRN-1"));
        assertThat(records.kind()).isEqualTo(RecordKind.PATIENT);
        assertThat(line(records, 0)).isEqualTo(json("{\"mrn\":\"MRN-1\",\"familyName\":\"Testperson\",\"givenName\":\"Alex\","
                + "\"birthDate\":\"1984-03-12\",\"sex\":\"female\"}"));
        // The MR repetition is the second: its location says so.
        assertThat(records.records().get(0).sources().get("mrn").erl()).isEqualTo("PID^1^3^2^1");
    }

    @Test
    void aRasO17CarriesOneDosePerOrderGroup() throws Exception {
        Hl7Records records = read(Hl7Messages.ras("NORTH", "C2", "MRN-1", "E-1", "D-1", "D-2"));
        assertThat(records.kind()).isEqualTo(RecordKind.DOSE);
        assertThat(records.records()).hasSize(2);
        assertThat(line(records, 0)).isEqualTo(json(Hl7Messages.doseJson("D-1", "E-1", "MRN-1")));
        assertThat(line(records, 1)).isEqualTo(json(Hl7Messages.doseJson("D-2", "E-1", "MRN-1")));
        assertThat(records.records().get(1).sources().get("doseMg").erl()).isEqualTo("RXA^2^6^1^");
        assertThat(records.records().get(1).sources().get("wastedMg").erl()).isEqualTo("OBX^7^5^1^");
    }

    /** Taking the first RXA alone would answer AA for an administration never stored: the ORDER is refused. */
    @Test
    void anOrderGroupWithASecondAdministrationIsRefusedAtItsSecondRxa() {
        String twoDoses = Hl7Messages.ras("NORTH", "C2", "MRN-1", "E-1", "D-1", "D-2");
        String secondOrc = "ORC|RE||D-2\r";
        String oneOrderTwoRxa = twoDoses.substring(0, twoDoses.indexOf(secondOrc))
                + twoDoses.substring(twoDoses.indexOf(secondOrc) + secondOrc.length());
        Hl7Records records = read(oneOrderTwoRxa);
        assertThat(records.records()).hasSize(1);
        assertThat(records.records().get(0).readErrors()).extracting(e -> e.location().erl() + " " + e.code())
                .first().isEqualTo("RXA^2^^^ 100"); // then its OBX, given twice in the ORDER
        Hl7Acks acks = new Hl7Acks(Clock.fixed(Instant.parse("2026-10-05T16:00:00Z"), ZoneOffset.UTC));
        Rejection refused = new Rejection(1, "D-1", List.of(new FieldError("(administration)", "refused by the reader")));
        String ae = acks.answer(READER.header(oneOrderTwoRxa), new Receipt("r-3", "north", "doses", 0, 0, 1, List.of(refused),
                List.of()), records);
        assertThat(ae).contains("\rMSA|AE|C2|").contains("\rERR||RXA^2|100^Segment sequence error^HL70357|E||||record D-1: (administration): ");
    }

    @Test
    void anOruR01CarriesOneScorePerObr() throws Exception {
        Hl7Records records = read(Hl7Messages.oru("NORTH", "C3", "MRN-1", "E-1", "S-1"));
        assertThat(records.kind()).isEqualTo(RecordKind.SCORE);
        assertThat(line(records, 0)).isEqualTo(json(Hl7Messages.scoreJson("S-1", "E-1", "MRN-1")));
        assertThat(records.records().get(0).sources().get("items[8]").erl()).isEqualTo("OBX^10^5^1^");
    }

    @Test
    void anRxNormCodeIsMappedBackThroughTheClinicsConceptMap() throws Exception {
        String rxn = Hl7Messages.ras("NORTH", "C4", "MRN-1", "E-1", "D-1").replace("ketamine^ketamine^L", "6130^ketamine^RXN");
        assertThat(line(read(rxn), 0).get("medication").asText()).isEqualTo("ketamine");
        String unknown = Hl7Messages.ras("NORTH", "C4", "MRN-1", "E-1", "D-1").replace("ketamine^ketamine^L", "42^other^RXN");
        assertThat(read(unknown).records().get(0).readErrors()).singleElement()
                .satisfies(e -> assertThat(e.location().erl()).isEqualTo("RXA^1^5^1^1"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(103));
    }

    @ParameterizedTest
    @CsvSource({"202610050905-0600, 2026-10-05T09:05-06:00", "20261005090512.25+0100, 2026-10-05T09:05:12.25+01:00",
            "20261005090500, 2026-10-05T09:05:00"})
    void hl7TimesBecomeIsoTimesWithTheirOffsetIfAny(String hl7, String iso) throws Exception {
        String message = Hl7Messages.ras("NORTH", "C5", "MRN-1", "E-1", "D-1").replace("|202610050905|", "|" + hl7 + "|");
        assertThat(line(read(message), 0).get("start").asText()).isEqualTo(iso);
    }

    @Test
    void aTimeShorterThanTheMinuteAndADeleteAreRefusedWhereTheyAre() {
        String message = Hl7Messages.ras("NORTH", "C6", "MRN-1", "E-1", "D-1", "D-2")
                .replaceFirst("\\|202610050905\\|", "|2026100509|").replaceFirst("\\|CP\\|A\r", "|CP|D\r");
        List<Hl7FieldError> errors = read(message).records().get(0).readErrors();
        assertThat(errors).extracting(e -> e.location().erl() + " " + e.code()).containsExactly("RXA^1^3^1^ 102", "RXA^1^21^1^ 103");
        assertThat(read(message).records().get(1).readErrors()).isEmpty();
    }

    @Test
    void anObrThatNamesNoInstrumentIsRefusedAtObr4() {
        String message = Hl7Messages.oru("NORTH", "C7", "MRN-1", "E-1", "S-1").replace("PHQ-9^PHQ-9^L", "8867-4^Heart rate^LN");
        assertThat(read(message).records().get(0).readErrors()).singleElement()
                .satisfies(e -> assertThat(e.location().erl()).isEqualTo("OBR^1^4^1^1"));
    }

    @Test
    void validatorErrorsAreLocatedAtTheFieldTheyCameFrom() {
        Hl7Records records = read(Hl7Messages.ras("NORTH", "C8", "MRN-1", "E-1", "D-1"));
        Rejection rejection = new Rejection(1, "D-1", List.of(new FieldError("doseMg", "must be greater than 0 and at most 1000"),
                new FieldError("statusReason", "required"), new FieldError("route", "must be one of IM, IV")));
        assertThat(records.located(rejection)).extracting(e -> e.location().erl() + " " + e.code())
                .containsExactly("RXA^1^6^1^ 102", "RXA^1^18^1^1 101", "RXR^1^1^1^1 103");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "MSH|^~\\&|A|NORTH|B|C|20261005||ADT^A04|C9|P|2.6; 203",
            "MSH|^~\\&|A|NORTH|B|C|20261005||SIU^S12|C9|P|2.5.1; 200",
            "MSH|^~\\&|A|NORTH|B|C|20261005||ADT^A01|C9|P|2.5.1; 201",
            "MSH|^~\\&|A|NORTH|B|C|20261005||ADT^A04||P|2.5.1; 101",
            "MSH|^~\\&|A||B|C|20261005||ADT^A04|C9|P|2.5.1; 101",
            "hello, not HL7; 100"})
    void messagesRefusedWhole(String message, int code) {
        assertThatThrownBy(() -> read(message + "\rPID|1\r")).isInstanceOfSatisfying(Hl7Refusal.class,
                r -> assertThat(r.code()).isEqualTo(code));
    }

    @Test
    void acksSwapSenderAndReceiverAndNameEveryError() {
        Hl7Acks acks = new Hl7Acks(Clock.fixed(Instant.parse("2026-10-05T16:00:00Z"), ZoneOffset.UTC));
        String message = Hl7Messages.ras("NORTH", "CTRL-10", "MRN-1", "E-1", "D-1");
        Hl7Header header = READER.header(message);
        Hl7Records records = read(message);
        String aa = acks.answer(header, new Receipt("r-1", "north", "doses", 1, 0, 0, List.of(), List.of()), records);
        assertThat(aa).startsWith("MSH|^~\\&|KETABRIDGE|KB|CLINICEMR|NORTH|20261005160000+0000||ACK^O17^ACK|")
                .contains("\rMSA|AA|CTRL-10|receipt r-1: 1 accepted (0 unchanged), 0 refused").doesNotContain("ERR");
        Rejection rejection = new Rejection(1, "D-1", List.of(new FieldError("lotNumber", "required")));
        String ae = acks.answer(header, new Receipt("r-2", "north", "doses", 0, 0, 1, List.of(rejection), List.of()), records);
        assertThat(ae).contains("\rMSA|AE|CTRL-10|").contains("\rERR||RXA^1^15^1|101^Required field missing^HL70357|E||||record D-1: lotNumber: required");
        String ar = acks.refuse(header, 204, Hl7Location.of("MSH", 1, 4).component(1), "sending facility not configured");
        assertThat(ar).contains("\rMSA|AR|CTRL-10|").contains("\rERR||MSH^1^4^1^1|204^Unknown key identifier^HL70357|E|");
    }
}
