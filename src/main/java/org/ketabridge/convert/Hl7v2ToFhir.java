package org.ketabridge.convert;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.channel.hl7.Hl7FieldError;
import org.ketabridge.channel.hl7.Hl7Header;
import org.ketabridge.channel.hl7.Hl7MessageReader;
import org.ketabridge.channel.hl7.Hl7Records;
import org.ketabridge.channel.hl7.Hl7Refusal;
import org.ketabridge.intake.Rejection;
import org.ketabridge.mapping.Terminology;

/**
 * HL7 v2 message → FHIR R4, as the bridge converts it, for anyone: clinic IT testing their
 * interface, auditors' tooling. No Spring context, no database, no network.
 *
 * <pre>{@code
 * Hl7v2ToFhir converter = new Hl7v2ToFhir("north", "https://north.example.org/ids", ZoneId.of("America/Denver"));
 * String bundleJson = converter.toBundleJson(message);   // throws Hl7ConversionException listing every problem
 * }</pre>
 *
 * <p>The message is read as the bridge's MLLP listener reads it (ADT^A04/A08 a patient, RAS^O17 a
 * dose per order, ORU^R01 a score per OBR; v2.3 to v2.5.1), each record checked by the contract's
 * validators, and the valid records mapped with {@code fhir-mapping/}. The answer is the FHIR R4
 * transaction Bundle the bridge writes to its auditors' store for them: each resource PUT at the id
 * its identifier determines, with its Provenance, references as the store holds them. MSH-4 is not
 * checked against a clinic: the clinic is the one given here. A message with any refused record is
 * refused whole, with every problem (the bridge itself would store the good records and answer AE).
 * What only the bridge's database knows is not in the Bundle: a record is taken as its first version,
 * a score carries no outcome against the patient's baseline, a dose is not checked against its
 * encounter. Build one converter per clinic and reuse it: construction reads {@code fhir-mapping/}
 * (about a second). Concurrent use is not tested: give each thread its own converter.
 */
public final class Hl7v2ToFhir {

    private final Hl7MessageReader reader;
    private final RecordConverter records;

    /**
     * @param clinicId             the clinic's id (in identifiers: 1 to 64 of A-Z a-z 0-9 . _ -)
     * @param identifierSystemBase base of the clinic's identifier systems, or null for {@code urn:ketabridge:{clinicId}}
     * @param zone                 the clinic's time zone: HL7 times without an offset are read in it
     */
    public Hl7v2ToFhir(String clinicId, String identifierSystemBase, ZoneId zone) {
        Terminology terminology = RecordConverter.standardTerminology();
        this.records = new RecordConverter(RecordConverter.clinic(clinicId, identifierSystemBase, zone), terminology);
        this.reader = new Hl7MessageReader(terminology);
    }

    /** The message as a FHIR R4 transaction Bundle in JSON, its Provenance recorded now. */
    public String toBundleJson(String message) {
        return toBundleJson(message, Instant.now());
    }

    /** The message as a FHIR R4 transaction Bundle in JSON, its Provenance recorded at {@code receivedAt}. */
    public String toBundleJson(String message, Instant receivedAt) {
        return FhirContext.forR4Cached().newJsonParser().setPrettyPrint(true).encodeResourceToString(toBundle(message, receivedAt));
    }

    /**
     * The message as a FHIR R4 transaction Bundle.
     *
     * @throws Hl7ConversionException when the bridge would refuse the message or any record in it
     */
    public Bundle toBundle(String message, Instant receivedAt) {
        Hl7Records read;
        try {
            Hl7Header header = reader.header(message);
            reader.check(header);
            read = reader.read(message, header, records.clinic());
        } catch (Hl7Refusal refusal) {
            throw new Hl7ConversionException(List.of((refusal.location() == null ? "message" : refusal.location().toString())
                    + ": " + refusal.getMessage()));
        }
        RecordConverter.Conversion conversion = records.convert(read.kind(), read.lines(), receivedAt);
        if (!conversion.rejections().isEmpty()) {
            List<String> problems = new ArrayList<>();
            for (Rejection rejection : conversion.rejections()) {
                for (Hl7FieldError error : read.located(rejection)) {
                    problems.add("record " + read.recordName(rejection) + ": " + error.location() + " (" + error.field() + "): "
                            + error.reason());
                }
            }
            throw new Hl7ConversionException(problems);
        }
        return conversion.bundle();
    }

    /** One conversion, for a single use (build a converter to convert many). */
    public static String convert(String message, String clinicId, String identifierSystemBase, ZoneId zone) {
        return new Hl7v2ToFhir(clinicId, identifierSystemBase, zone).toBundleJson(message);
    }

    /**
     * From a shell: the message on standard input, the Bundle on standard output, every problem on
     * standard error (exit status 1). Arguments: clinic id, time zone, and optionally the identifier
     * system base.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Hl7v2ToFhir <clinicId> <time-zone> [identifier-system-base] < message.hl7");
            System.exit(2);
        }
        // Standard output is the Bundle alone: what HAPI's libraries log goes to standard error.
        PrintStream bundleOut = System.out;
        System.setOut(System.err);
        String message = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        try {
            bundleOut.println(new Hl7v2ToFhir(args[0], args.length == 3 ? args[2] : null, ZoneId.of(args[1])).toBundleJson(message));
            bundleOut.flush();
        } catch (Hl7ConversionException e) {
            e.problems().forEach(System.err::println);
            System.exit(1);
        }
    }
}
