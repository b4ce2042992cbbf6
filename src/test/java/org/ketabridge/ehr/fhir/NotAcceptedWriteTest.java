package org.ketabridge.ehr.fhir;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TestClinics;
import org.ketabridge.support.TransactionResponder;

/**
 * The strategy {@code none} (issue 13, item 1) as the EHR client applies it, on a dose-like record
 * (a body weight Observation, the MedicationAdministration that refers to it, and their
 * Provenance): a record whose main resource is of a type the EHR does not accept is not sent at
 * all, and says why; a resource of such a type that is not the main one is left out, references
 * to it dropped, and the rest sent as the EHR's plan says, in either write mode.
 */
class NotAcceptedWriteTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOSE_SYSTEM = "urn:ketabridge:north/dose";
    private static final String WEIGHT_SYSTEM = "urn:ketabridge:north/dose-weight";
    private static final String DOSE = "D.7_b";

    private WireMockServer ehr;

    @BeforeEach
    void start() {
        ehr = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(false).extensions(new TransactionResponder()));
        ehr.start();
        FakeEhr.acceptEverything(ehr);
    }

    @AfterEach
    void stop() {
        ehr.stop();
    }

    @Test
    void aRecordWhoseMainResourceTheEhrDoesNotAcceptIsNotSentAndSaysWhy() {
        FhirEhrClient client = client("per-resource", "MedicationAdministration", "none");

        WriteResult result = client.write(dose(), 1L, 1);

        assertThat(result.isStored()).isFalse();
        assertThat(result.refusal()).as("not refused: nothing to dead-letter").isNull();
        assertThat(result.notAccepted()).isEqualTo(new WriteResult.NotAccepted("MedicationAdministration",
                "this EHR does not accept MedicationAdministration (plan: none, from configuration)"));
        assertThat(requests()).as("nothing of the record sent, not even its body weight").isEmpty();
    }

    @Test
    void resourcesOfTypesTheEhrDoesNotAcceptAreLeftOutAndReferencesToThemDropped() throws Exception {
        FhirEhrClient client = client("per-resource", "Observation", "none", "Provenance", "none");

        WriteResult result = client.write(dose(), 1L, 1);

        assertThat(result.isStored()).isTrue();
        assertThat(result.reference()).startsWith("MedicationAdministration/");
        assertThat(requests()).as("only the administration").singleElement().asString()
                .startsWith("PUT /fhir/MedicationAdministration?identifier=");
        JsonNode sent = JSON.readTree(ehr.getAllServeEvents().get(0).getRequest().getBodyAsString());
        assertThat(sent.has("supportingInformation")).as("its reference to the weight it was sent without").isFalse();
        assertThat(sent.path("subject").path("reference").asText()).isEqualTo("Patient/1");
        assertThat(result.notes()).containsExactly(
                "Observation not sent: this EHR does not accept Observation (plan: none, from configuration)",
                "Provenance not sent: this EHR does not accept Provenance (plan: none, from configuration)");
    }

    @Test
    void inATransactionTheResourcesOfTypesTheEhrDoesNotAcceptAreNotEntries() throws Exception {
        FhirEhrClient client = client("transaction", "Provenance", "none");

        WriteResult result = client.write(dose(), 1L, 1);

        assertThat(result.isStored()).isTrue();
        assertThat(requests()).containsExactly("POST /fhir");
        JsonNode bundle = JSON.readTree(ehr.getAllServeEvents().get(0).getRequest().getBodyAsString());
        List<String> types = new ArrayList<>();
        bundle.path("entry").forEach(e -> types.add(e.path("resource").path("resourceType").asText()));
        assertThat(types).containsExactly("Observation", "MedicationAdministration");
        JsonNode administration = bundle.path("entry").get(1).path("resource");
        assertThat(administration.path("supportingInformation").get(0).path("reference").asText())
                .as("the weight is in the transaction: referred to by its placeholder").isEqualTo("urn:uuid:weight");
        assertThat(result.notes()).containsExactly(
                "Provenance not sent: this EHR does not accept Provenance (plan: none, from configuration)");
    }

    // --- helpers ---

    private FhirEhrClient client(String writeMode, String... overrides) {
        Map<String, String> p = TestClinics.fhirClinic(ehr.baseUrl() + "/fhir", writeMode);
        for (int i = 0; i < overrides.length; i += 2) {
            p.put("bridge.clinics[0].ehr.resources." + overrides[i], overrides[i + 1]);
        }
        ClinicRegistry clinics = TestClinics.registry(p);
        return new FhirEhrClient(clinics.find("north").orElseThrow(), FHIR, new EhrPlans(clinics, FHIR));
    }

    /** A synthetic dose: its body weight, the administration referring to it, and the Provenance of both. */
    private static MappedRecord dose() {
        Observation weight = new Observation();
        weight.addIdentifier().setSystem(WEIGHT_SYSTEM).setValue(DOSE);
        weight.setStatus(Observation.ObservationStatus.FINAL);
        weight.getCode().addCoding().setSystem("http://loinc.org").setCode("29463-7");
        weight.setSubject(new Reference("Patient/1"));
        weight.setValue(new Quantity().setValue(70).setUnit("kg"));
        MedicationAdministration ma = new MedicationAdministration();
        ma.addIdentifier().setSystem(DOSE_SYSTEM).setValue(DOSE);
        ma.setStatus(MedicationAdministration.MedicationAdministrationStatus.COMPLETED);
        ma.setSubject(new Reference("Patient/1"));
        ma.setContext(new Reference("Encounter/2"));
        ma.setEffective(new DateTimeType("2026-10-05T09:05:00-06:00"));
        ma.addSupportingInformation(new Reference("urn:uuid:weight"));
        Provenance provenance = new Provenance();
        provenance.setId("kb-0123456789abcdef0123456789abcdef");
        provenance.addTarget(new Reference("urn:uuid:weight"));
        provenance.addTarget(new Reference("urn:uuid:dose"));
        MappedResource w = new MappedResource(weight, WEIGHT_SYSTEM, DOSE, "urn:uuid:weight");
        MappedResource a = new MappedResource(ma, DOSE_SYSTEM, DOSE, "urn:uuid:dose");
        MappedResource p = new MappedResource(provenance, null, provenance.getIdElement().getIdPart(), "urn:uuid:provenance");
        return new MappedRecord(List.of(w, a, p), a);
    }

    private List<String> requests() {
        List<String> requests = new ArrayList<>();
        for (ServeEvent event : ehr.getAllServeEvents()) {
            requests.add(0, event.getRequest().getMethod().getName() + " " + event.getRequest().getUrl());
        }
        return requests;
    }
}
