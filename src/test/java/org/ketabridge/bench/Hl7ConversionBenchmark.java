package org.ketabridge.bench;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.channel.hl7.Hl7Header;
import org.ketabridge.channel.hl7.Hl7MessageReader;
import org.ketabridge.channel.hl7.Hl7Records;
import org.ketabridge.convert.Hl7v2ToFhir;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.support.TestClinics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HL7 v2 messages per second per core, one thread, per message type (the converter's golden
 * messages): {@code read} is the MLLP listener's reading (MSH, HAPI's parse into the v2.5.1 model,
 * the contract's records with their locations); {@code toFhir} adds the contract's validators and
 * the mapping to the FHIR transaction Bundle ({@link Hl7v2ToFhir}), without FHIR validation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class Hl7ConversionBenchmark {

    private static final Instant RECEIVED = Instant.parse("2026-11-10T18:00:00Z");

    @Param({"adt-a04-new-patient", "ras-o17-two-infusion-doses", "oru-r01-phq9-items-timing"})
    public String message;

    private String text;
    private Hl7MessageReader reader;
    private org.ketabridge.config.Clinic clinic;
    private Hl7v2ToFhir converter;

    @Setup
    public void setUp() throws Exception {
        text = Files.readString(Path.of("src/test/resources/hl7-convert", message + ".hl7"));
        reader = new Hl7MessageReader(new Terminology(FhirContext.forR4Cached()));
        clinic = TestClinics.registry("America/Denver", "north").find("north").orElseThrow();
        converter = new Hl7v2ToFhir("north", "https://north.example.org/ids", ZoneId.of("America/Denver"));
    }

    @Benchmark
    public Hl7Records read() {
        Hl7Header header = reader.header(text);
        reader.check(header);
        return reader.read(text, header, clinic);
    }

    @Benchmark
    public Bundle toFhir() {
        return converter.toBundle(text, RECEIVED);
    }
}
