package org.ketabridge.mapping.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.config.Clinic;
import org.ketabridge.support.GoldenCases;
import org.ketabridge.support.TestClinics;

/**
 * Golden tests of the HL7 v2 messages an {@code hl7v2} EHR receives: one file per message type in
 * {@code src/test/resources/hl7-out/} (segments one per line), built from the golden records of
 * {@code golden/} and their mapped FHIR. {@code -Dgolden.update=true} rewrites a file that differs
 * and fails the case, as {@code GoldenMappingTest} does.
 */
class V2MessagesGoldenTest {

    static final Path DIR = Path.of("src/test/resources/hl7-out");
    static final Instant NOW = Instant.parse("2026-10-06T20:00:05Z");
    static final Clinic CLINIC = TestClinics.registry(Map.of(
            "bridge.clinics[0].id", "golden",
            "bridge.clinics[0].time-zone", "America/Denver",
            "bridge.clinics[0].hl7-facility", "KETA-GOLDEN",
            "bridge.clinics[0].ehr.type", "hl7v2",
            "bridge.clinics[0].ehr.host", "ehr.example.org",
            "bridge.clinics[0].ehr.port", "2575",
            "bridge.clinics[0].ehr.receiving-application", "EPIC",
            "bridge.clinics[0].ehr.receiving-facility", "MAIN")).find("golden").orElseThrow();

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("adt-a04", "patient-basic", 1, 101L),
                Arguments.of("adt-a08", "patient-basic", 2, 102L),
                Arguments.of("oru-r01-encounter", "encounter-iv-infusion-with-vitals", 1, 201L),
                Arguments.of("oru-r01-encounter-rems-fields", "encounter-esketamine-rems-fields", 1, 202L),
                Arguments.of("oru-r01-score", "score-phq9-response-with-self-harm-flag", 1, 301L),
                Arguments.of("ras-o17", "dose-esketamine-84mg-waste-and-witness", 1, 401L));
    }

    static V2Message build(String goldenCase, int version, long rowId, Instant now) throws IOException {
        return build(goldenCase, version, rowId, 0, now);
    }

    static V2Message build(String goldenCase, int version, long rowId, int replays, Instant now) throws IOException {
        String record = Files.readString(GoldenCases.GOLDEN.resolve(goldenCase).resolve("record.json"));
        return V2Messages.build(new V2Input(CLINIC, GoldenCases.kindOf(goldenCase), rowId, replays, "id", version, record,
                GoldenCases.map(goldenCase)), now);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void eachRecordBecomesExactlyItsExpectedMessage(String file, String goldenCase, int version, long rowId) throws IOException {
        String actual = build(goldenCase, version, rowId, NOW).er7().replace('\r', '\n');
        GoldenCases.compareOrRewrite(DIR.resolve(file + ".hl7"), actual);
    }

    /** A resend after a lost ACK is built again, later: the EHR must see the same MSH-10 to drop it. */
    @Test
    void theControlIdOfARecordVersionIsTheSameWhenRebuiltLater() throws IOException {
        V2Message first = build("dose-esketamine-84mg-waste-and-witness", 1, 401L, NOW);
        V2Message again = build("dose-esketamine-84mg-waste-and-witness", 1, 401L, NOW.plusSeconds(3600));
        assertThat(again.controlId()).isEqualTo(first.controlId()).isEqualTo("KB401");
        assertThat(again.er7()).isNotEqualTo(first.er7()).contains("|KB401|");
        V2Message otherVersion = build("dose-esketamine-84mg-waste-and-witness", 2, 402L, NOW);
        assertThat(otherVersion.controlId()).isNotEqualTo(first.controlId());
        assertThat(ControlIds.of(Long.parseLong("999999999999999999"))).hasSizeLessThanOrEqualTo(20);
    }

    /**
     * A replayed dead letter is a new message: an EHR that drops repeats by MSH-10 would drop it
     * (or answer again what it answered before). Retries after the replay keep its new id.
     */
    @Test
    void aReplayedVersionHasANewControlIdThatItsRetriesKeep() throws IOException {
        V2Message first = build("dose-esketamine-84mg-waste-and-witness", 1, 401L, 0, NOW);
        V2Message replayed = build("dose-esketamine-84mg-waste-and-witness", 1, 401L, 1, NOW);
        V2Message retried = build("dose-esketamine-84mg-waste-and-witness", 1, 401L, 1, NOW.plusSeconds(60));
        assertThat(replayed.controlId()).isEqualTo("KB401R1").isNotEqualTo(first.controlId());
        assertThat(replayed.er7()).contains("|KB401R1|");
        assertThat(retried.controlId()).isEqualTo(replayed.controlId());
        assertThat(build("dose-esketamine-84mg-waste-and-witness", 1, 401L, 2, NOW).controlId()).isEqualTo("KB401R2");
        assertThat(ControlIds.isOurs("KB401R2")).isTrue();
        assertThat(ControlIds.isOurs("KB401R0")).isFalse();
        assertThat(ControlIds.of(999_999_999_999L, 99_999)).hasSize(20);
        assertThatThrownBy(() -> ControlIds.of(999_999_999_999L, 100_000)).isInstanceOf(IllegalArgumentException.class);
    }

    /** What HAPI reads of the message is what the contract's inbound table names (PID-3, ORC-3, RXA-6, OBX-11). */
    @Test
    void hapiReadsTheMessageBackAsTheContractsTableSays() throws Exception {
        Message dose = V2Messages.context().getPipeParser().parse(build("dose-esketamine-84mg-waste-and-witness", 2, 402L, NOW).er7());
        Terser t = new Terser(dose);
        assertThat(t.get("/PATIENT/PID-3-1")).isEqualTo("M-1001");
        assertThat(t.get("/PATIENT/PID-3-5")).isEqualTo("MR");
        assertThat(t.get("/PATIENT/PATIENT_VISIT/PV1-19")).isEqualTo("E-2002");
        assertThat(t.get("/ORDER/ORC-3")).isEqualTo("D-3002");
        assertThat(t.get("/ORDER/ADMINISTRATION/RXA-6")).isEqualTo("84");
        assertThat(t.get("/ORDER/ADMINISTRATION/RXA-21")).isEqualTo("U");
        assertThat(t.get("/ORDER/ADMINISTRATION/RXR-1")).isEqualTo("NS");
        assertThat(t.get("/ORDER/ADMINISTRATION/OBSERVATION(0)/OBX-11")).isEqualTo("C");
        assertThat(t.get("/MSH-10")).isEqualTo("KB402");
        assertThat(t.get("/MSH-18")).isEqualTo("UNICODE UTF-8");
    }
}
