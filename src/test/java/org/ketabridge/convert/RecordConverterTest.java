package org.ketabridge.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.ketabridge.intake.FieldError;
import org.ketabridge.intake.InboundLine;
import org.ketabridge.record.RecordKind;

/** The converter's records become what the auditors' store holds, without Spring, and a refused one says why. */
class RecordConverterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2026-11-03T18:00:00Z");
    private final RecordConverter converter = new RecordConverter("north.clinic_1", "https://north.example.org/ids/",
            ZoneId.of("America/Denver"));

    @Test
    void validRecordsBecomeOneTransactionAtTheStoresIdsAndRefusedOnesListEveryError() throws Exception {
        RecordConverter.Conversion conversion = converter.convert(RecordKind.PATIENT, List.of(
                InboundLine.of(1, JSON.readTree("{\"mrn\":\"MRN.1_a\",\"familyName\":\"Testperson\",\"birthDate\":\"1980-02-29\",\"sex\":\"female\"}")),
                InboundLine.of(2, JSON.readTree("{\"mrn\":\"MRN-2\",\"birthDate\":\"1880-01-01\"}"))), RECEIVED);

        Bundle bundle = conversion.bundle();
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        Patient patient = (Patient) bundle.getEntry().get(0).getResource();
        assertThat(patient.getIdentifierFirstRep().getSystem()).isEqualTo("https://north.example.org/ids/mrn");
        assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo("MRN.1_a");
        assertThat(bundle.getEntry().get(0).getRequest().getUrl()).isEqualTo("Patient/" + patient.getIdPart());
        assertThat(bundle.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("Patient", "Provenance");

        assertThat(conversion.rejections()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(2);
            assertThat(r.recordId()).isEqualTo("MRN-2");
            assertThat(r.errors()).extracting(FieldError::field).contains("familyName", "birthDate");
        });
    }

    @Test
    void theSameRecordConvertsToTheSameBundle() throws Exception {
        InboundLine dose = InboundLine.of(1, JSON.readTree("""
                {"doseId":"D1","encounterId":"E1","patientMrn":"M1","medication":"esketamine","route":"intranasal",
                 "status":"completed","doseMg":84,"start":"2026-11-03T09:05:00","lotNumber":"LOT-7"}"""));
        var parser = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser();
        String first = parser.encodeResourceToString(converter.convert(RecordKind.DOSE, List.of(dose), RECEIVED).bundle());
        String again = parser.encodeResourceToString(converter.convert(RecordKind.DOSE, List.of(dose), RECEIVED).bundle());
        assertThat(again).isEqualTo(first).contains("\"MedicationAdministration\"").contains("2026-11-03T09:05:00-07:00");
    }
}
