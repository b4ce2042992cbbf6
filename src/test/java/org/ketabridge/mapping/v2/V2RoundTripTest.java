package org.ketabridge.mapping.v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ketabridge.channel.hl7.Hl7Header;
import org.ketabridge.channel.hl7.Hl7MessageReader;
import org.ketabridge.channel.hl7.Hl7Records;
import org.ketabridge.intake.RecordValidators;
import org.ketabridge.intake.ValidationResult;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.support.GoldenCases;

/**
 * What the bridge sends an HL7 v2 EHR, the bridge's own MLLP listener reads back as the same
 * record: the outbound field map mirrors the contract's inbound table. Every golden record of a kind
 * HL7 carries both ways (patients, doses, scores; encounters go out as ORU^R01 of their vital signs
 * but come in over HTTP or CSV only) is built into its message, read by {@link Hl7MessageReader},
 * checked by the contract's validators, and compared with the stored record it was built from.
 */
class V2RoundTripTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-10-06T20:00:05Z");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"patient-basic", "dose-esketamine-84mg-waste-and-witness", "dose-infusion-stopped-for-hypertension",
            "dose-ketamine-anaesthetic-warning", "dose-not-done", "dose-not-done-iv-with-every-fact",
            "score-madrs-total-only", "score-phq9-response-with-self-harm-flag", "score-phq9-with-items"})
    void aMessageTheBridgeSendsIsReadBackAsTheRecordItWasBuiltFrom(String goldenCase) throws IOException {
        String stored = Files.readString(GoldenCases.GOLDEN.resolve(goldenCase).resolve("record.json"));
        String message = V2MessagesGoldenTest.build(goldenCase, 2, 77L, NOW).er7();

        Hl7MessageReader reader = new Hl7MessageReader(new Terminology(FhirContext.forR4Cached()));
        Hl7Header header = reader.header(message);
        reader.check(header);
        Hl7Records read = reader.read(message, header, V2MessagesGoldenTest.CLINIC);

        assertThat(read.kind()).isEqualTo(GoldenCases.kindOf(goldenCase));
        assertThat(read.records()).hasSize(1);
        assertThat(read.records().get(0).readErrors()).as("what the reader could not read").isEmpty();
        ValidationResult checked = validate(read.kind(), read.lines().get(0).json());
        assertThat(checked.errors()).as("the contract's errors").isEmpty();
        // As the bridge stores it (the validators' normalized text): the same text is the same content
        // hash, so the record read back would be "unchanged".
        assertThat(checked.record().content().toString())
                .isEqualTo(validate(read.kind(), JSON.readTree(stored)).record().content().toString());
    }

    private static ValidationResult validate(org.ketabridge.record.RecordKind kind, com.fasterxml.jackson.databind.JsonNode record) {
        return RecordValidators.standard().validate(kind, record, V2MessagesGoldenTest.CLINIC, NOW.plus(java.time.Duration.ofDays(30)));
    }
}
