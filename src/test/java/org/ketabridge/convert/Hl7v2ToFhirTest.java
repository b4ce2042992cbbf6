package org.ketabridge.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.support.GoldenCases;
import org.ketabridge.support.Hl7Messages;

/**
 * The public converter, no Spring: golden files in {@code src/test/resources/hl7-convert/} (each
 * {@code <case>.hl7} a message, {@code <case>.json} the exact Bundle it must become, for clinic
 * {@code north} in America/Denver with identifiers under {@code https://north.example.org/ids},
 * received 2026-11-10T18:00:00Z); rewrite them with {@code -Dgolden.update=true}, then read the diff.
 */
class Hl7v2ToFhirTest {

    private static final Path CASES = Path.of("src/test/resources/hl7-convert");
    private static final Instant RECEIVED = Instant.parse("2026-11-10T18:00:00Z");
    private static final Hl7v2ToFhir CONVERTER = new Hl7v2ToFhir("north", "https://north.example.org/ids",
            ZoneId.of("America/Denver"));

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(CASES)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".hl7"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachMessageBecomesExactlyItsExpectedBundle(String name) throws IOException {
        String message = Files.readString(CASES.resolve(name + ".hl7"));
        GoldenCases.compareOrRewrite(CASES.resolve(name + ".json"), CONVERTER.toBundleJson(message, RECEIVED) + "\n");
    }

    @Test
    void anRxNormCodeIsReadBackToTheContractsMedicationAndTheDoseKeepsIt() throws IOException {
        Bundle bundle = CONVERTER.toBundle(Files.readString(CASES.resolve("ras-o17-esketamine-rxnorm.hl7")), RECEIVED);
        MedicationAdministration dose = (MedicationAdministration) bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource).filter(r -> r instanceof MedicationAdministration)
                .findFirst().orElseThrow();
        var medication = (org.hl7.fhir.r4.model.Medication) dose.getContained().get(0);
        assertThat(medication.getCode().getCoding()).extracting(c -> c.getCode()).contains("2201623", "esketamine");
        assertThat(dose.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026-11-03T10:00:00-07:00");
    }

    @Test
    void aRefusedMessageListsEveryProblemByRecordSegmentAndFieldWithoutItsValues() {
        String twoBadDoses = Hl7Messages.ras("NORTH", "RAS-9", "MRN-1", "ENC-1", "D-1", "D-2")
                .replaceFirst("\\|35\\|mg", "|2000|mg")
                .replace("KET-2026-118", "");
        assertThatThrownBy(() -> CONVERTER.toBundleJson(twoBadDoses, RECEIVED))
                .isInstanceOfSatisfying(Hl7ConversionException.class, e -> {
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("record D-1: RXA-6 (doseMg): "));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("record D-1: RXA-15 (lotNumber): required"));
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("record D-2: RXA-15 (lotNumber): required"));
                    assertThat(e.getMessage()).doesNotContain("2000").doesNotContain("Testperson");
                });
    }

    @Test
    void aMessageTheBridgeDoesNotTakeIsRefusedWithWhereAndWhy() {
        String query = Hl7Messages.adt("NORTH", "A01", "ADT-9", "MRN-1");
        assertThatThrownBy(() -> CONVERTER.toBundleJson(query, RECEIVED))
                .isInstanceOfSatisfying(Hl7ConversionException.class, e -> assertThat(e.problems())
                        .containsExactly("MSH-9.2: event not supported: ADT^A04, ADT^A08, RAS^O17 and ORU^R01 are taken"));
        assertThatThrownBy(() -> CONVERTER.toBundleJson("not a message", RECEIVED))
                .isInstanceOfSatisfying(Hl7ConversionException.class, e -> assertThat(e.problems())
                        .containsExactly("message: not an HL7 v2 message: it must begin with MSH"));
    }
}
