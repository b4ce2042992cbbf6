package org.ketabridge.ehr.fhir;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.ehr.auth.EhrAuthorization;
import org.ketabridge.mapping.Identity;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.RestrictedEhr;
import org.ketabridge.support.TestClinics;
import org.ketabridge.support.TransactionResponder;

/**
 * The EHR's own patient (issue 13, {@code match}) against a WireMock EHR whose front desk registers
 * patients ({@link RestrictedEhr} for Patient: it takes no conditional write of one, and searches
 * by identifier): the bridge never creates or changes a Patient there; it finds the one with the
 * record's MRN under the EHR's identifier system, and the patient record is the EHR's Patient.
 * What clinic IT would notice: the EHR's patients untouched, one search per patient record version,
 * a patient not registered yet waiting rather than failing, two with one MRN an alarm.
 */
class PatientMatchTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String EHR_MRNS = "https://hospital.example.org/fhir/sid/mrn";
    private static final String BRIDGE_MRNS = "urn:ketabridge:north/mrn";
    /** A MRN with a dot, an underscore and a dash: left as they are in the search URL. */
    private static final String MRN = "KB.0042_a-7";
    private static final String SEARCH = "GET /fhir/Patient?identifier=https%3A%2F%2Fhospital.example.org%2Ffhir%2Fsid%2Fmrn%7C"
            + MRN + "&_count=2";

    private final RestrictedEhr restricted = new RestrictedEhr();
    private WireMockServer ehr;

    @AfterEach
    void stop() {
        if (ehr != null) {
            ehr.stop();
        }
    }

    @Test
    void aPatientTheEhrHoldsIsFoundByItsMrnAndNeverWritten() {
        FhirEhrClient client = client("per-resource", EHR_MRNS);
        String registered = restricted.storedBehindTheBridgesBack(registeredPatient(EHR_MRNS, MRN));
        // The same MRN under another system is another identifier: not this patient.
        restricted.storedBehindTheBridgesBack(registeredPatient("urn:oid:2.16.840.1.113883.3.999", MRN));
        ehr.resetRequests();

        WriteResult first = client.write(patientRecord(MRN, "Rivera"), 1L);

        assertThat(first.isStored()).isTrue();
        assertThat(first.reference()).isEqualTo(registered);
        assertThat(requests()).as("one search, the URL's token encoded whole; nothing written, not even the Provenance")
                .containsExactly(SEARCH);

        // A later version of the patient record (the clinic corrected the name): matched again, nothing written.
        ehr.resetRequests();
        WriteResult second = client.write(patientRecord(MRN, "Rivera-Lopez"), 2L);
        assertThat(second.reference()).isEqualTo(registered);
        assertThat(requests()).containsExactly(SEARCH);
        assertThat(((Patient) restricted.get(registered)).getNameFirstRep().getFamily()).as("the EHR's patient unchanged")
                .isEqualTo("Registered");
        assertThat(restricted.postsOf(BRIDGE_MRNS, MRN) + restricted.postsOf(EHR_MRNS, MRN)).isZero();
        assertThat(restricted.held(BRIDGE_MRNS, MRN)).as("no Patient of the bridge's own in the EHR").isZero();
    }

    @Test
    void aPatientTheEhrDoesNotHoldYetWaitsSayingWhyAndIsFoundOnceRegistered() {
        FhirEhrClient client = client("per-resource", EHR_MRNS);

        WriteResult notYet = client.write(patientRecord(MRN, "Rivera"), 1L);

        assertThat(notYet.isStored()).isFalse();
        assertThat(notYet.refusal()).as("not a refusal: nothing to dead-letter").isNull();
        assertThat(notYet.duplicates()).isNull();
        assertThat(notYet.awaitingEhrPatient()).startsWith("the EHR holds no patient with this MRN under " + EHR_MRNS + " yet:")
                .contains("looks again every 5 min (ehr.patient-recheck)").doesNotContain(MRN);
        assertThat(requests()).containsExactly(SEARCH);

        String registered = restricted.storedBehindTheBridgesBack(registeredPatient(EHR_MRNS, MRN));
        ehr.resetRequests();
        WriteResult found = client.write(patientRecord(MRN, "Rivera"), 1L);

        assertThat(found.reference()).isEqualTo(registered);
        assertThat(requests()).containsExactly(SEARCH);
    }

    @Test
    void twoPatientsWithOneMrnAreTheDuplicatesAlarmNeverAGuess() {
        FhirEhrClient client = client("per-resource", EHR_MRNS);
        restricted.storedBehindTheBridgesBack(registeredPatient(EHR_MRNS, MRN));
        restricted.storedBehindTheBridgesBack(registeredPatient(EHR_MRNS, MRN));

        WriteResult result = client.write(patientRecord(MRN, "Rivera"), 1L);

        assertThat(result.isStored()).isFalse();
        assertThat(result.duplicates()).isEqualTo(new WriteResult.Duplicates("Patient", placeholder(MRN)));
        assertThat(result.refusal()).startsWith("2 patients in the EHR carry this MRN under " + EHR_MRNS
                + ": merge them in the EHR, then replay this record").doesNotContain(MRN);
        assertThat(requests()).containsExactly(SEARCH);
    }

    /** A 429, a 5xx or refused credentials answering the search are what they are for any request. */
    @Test
    void aSearchAnswered429Or503Or401IsThrottledRetriedOrHeldAsAnyRequest() {
        FhirEhrClient client = client("per-resource", EHR_MRNS);
        restricted.storedBehindTheBridgesBack(registeredPatient(EHR_MRNS, MRN));

        answerSearches(aResponse().withStatus(429).withHeader("Retry-After", "7"));
        WriteResult throttled = client.write(patientRecord(MRN, "Rivera"), 1L);
        assertThat(throttled.throttled()).isTrue();
        assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(7));

        answerSearches(aResponse().withStatus(503));
        assertThatThrownBy(() -> client.write(patientRecord(MRN, "Rivera"), 1L)).isInstanceOf(EhrUnavailableException.class)
                .hasMessageStartingWith("EHR answered 503");

        answerSearches(aResponse().withStatus(401));
        assertThat(client.write(patientRecord(MRN, "Rivera"), 1L).credentialsRefused()).isEqualTo(401);

        assertThat(requests()).as("searches only").allSatisfy(r -> assertThat(r).isEqualTo(SEARCH));
    }

    /**
     * A clinic that writes transactions (and whose configuration says match): a patient record is
     * searched, not sent in a Bundle; an encounter record, which refers to the EHR's patient by its
     * id, is one transaction as before.
     */
    @Test
    void aClinicWritingTransactionsMatchesItsPatientsAndStillSendsItsEncountersInTransactions() {
        FhirEhrClient client = client("transaction", EHR_MRNS);
        String registered = restricted.storedBehindTheBridgesBack(registeredPatient(EHR_MRNS, MRN));
        ehr.resetRequests();

        assertThat(client.write(patientRecord(MRN, "Rivera"), 1L).reference()).isEqualTo(registered);
        assertThat(requests()).containsExactly(SEARCH);

        ehr.resetRequests();
        WriteResult encounter = client.write(encounterRecord("E-1", registered), 2L);
        assertThat(encounter.isStored()).isTrue();
        assertThat(requests()).containsExactly("POST /fhir");
        assertThat(ehr.getAllServeEvents().get(0).getRequest().getBodyAsString()).contains("\"reference\":\"" + registered + "\"");
    }

    /**
     * {@code write-mode: auto} on an EHR without conditional update of Patient, and no
     * {@code ehr.patient-identifier-system}: patient records wait, nothing is sent, and the words
     * name the property to set.
     */
    @Test
    void aMatchFromTheStatementWithoutTheEhrsIdentifierSystemWaitsNamingTheProperty() throws Exception {
        FhirEhrClient client = client("auto", null);
        ehr.stubFor(get(urlPathEqualTo("/fhir/metadata")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/fhir+json")
                .withBody(Files.readString(Path.of("src/test/resources/capability-statements/oracle-like.json")))));

        WriteResult result = client.write(patientRecord(MRN, "Rivera"), 1L);

        assertThat(result.awaitingEhrPatient()).startsWith("patients are matched in this EHR, not written (its"
                + " CapabilityStatement declares no conditional update of Patient), and ehr.patient-identifier-system is not set:")
                .doesNotContain(MRN);
        assertThat(requests()).as("the statement read, nothing else").containsExactly("GET /fhir/metadata");
    }

    // --- helpers ---

    /** A clinic whose EHR registers patients; {@code system} null: ehr.patient-identifier-system not set. */
    private FhirEhrClient client(String writeMode, String system) {
        ehr = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(false)
                .extensions(restricted, new TransactionResponder()));
        ehr.start();
        FakeEhr.acceptEverything(ehr);
        restricted.serve(ehr, "Patient");
        Map<String, String> p = TestClinics.fhirClinic(ehr.baseUrl() + "/fhir", writeMode);
        p.put("bridge.clinics[0].ehr.request-timeout", "30s");
        if (system != null) {
            p.put("bridge.clinics[0].ehr.resources.Patient", "match");
            p.put("bridge.clinics[0].ehr.patient-identifier-system", system);
        }
        ClinicRegistry clinics = TestClinics.registry(p);
        Clinic clinic = clinics.find("north").orElseThrow();
        return new FhirEhrClient(clinic, FHIR, new EhrPlans(clinics, FHIR), EhrAuthorization.fixed(clinic.ehr().authorizationHeader()));
    }

    /** A patient as the EHR's front desk registered it: the EHR's MRN identifier, its own name. */
    private static Patient registeredPatient(String system, String mrn) {
        Patient p = new Patient();
        p.addIdentifier().setSystem(system).setValue(mrn);
        p.addName().setFamily("Registered");
        return p;
    }

    /** A patient record as the mapper makes it (the bridge's MRN identifier), with its Provenance. */
    private static MappedRecord patientRecord(String mrn, String family) {
        Patient p = new Patient();
        p.addIdentifier().setSystem(BRIDGE_MRNS).setValue(mrn);
        p.addName().setFamily(family);
        MappedResource patient = new MappedResource(p, BRIDGE_MRNS, mrn, placeholder(mrn));
        Provenance provenance = new Provenance();
        provenance.addTarget(new Reference(placeholder(mrn)));
        String provenanceId = Identity.derived("provenance", mrn).id();
        provenance.setId(provenanceId);
        return new MappedRecord(List.of(patient, new MappedResource(provenance, null, provenanceId, "urn:uuid:prov-" + mrn)), patient);
    }

    private static MappedRecord encounterRecord(String id, String patientReference) {
        Encounter e = new Encounter();
        e.addIdentifier().setSystem("urn:ketabridge:north/encounter").setValue(id);
        e.setStatus(Encounter.EncounterStatus.FINISHED);
        e.setSubject(new Reference(patientReference));
        return new MappedRecord(List.of(new MappedResource(e, "urn:ketabridge:north/encounter", id, "urn:uuid:enc-" + id)));
    }

    private static String placeholder(String mrn) {
        return Identity.derived(BRIDGE_MRNS, mrn).placeholder();
    }

    private void answerSearches(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        ehr.stubFor(get(urlPathEqualTo("/fhir/Patient")).atPriority(1).willReturn(answer));
    }

    private List<String> requests() {
        List<String> requests = new ArrayList<>();
        for (ServeEvent event : ehr.getAllServeEvents()) {
            requests.add(0, event.getRequest().getMethod().getName() + " " + event.getRequest().getUrl());
        }
        return requests;
    }
}
