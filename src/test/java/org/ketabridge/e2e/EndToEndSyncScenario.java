package org.ketabridge.e2e;

import org.ketabridge.support.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.score;
import static org.ketabridge.e2e.EhrSearch.id;
import static org.ketabridge.e2e.EhrSearch.only;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.ketabridge.demo.DemoEhrServer;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.Hl7Messages;
import org.ketabridge.support.MllpClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The whole path against a real FHIR server: HAPI FHIR's JPA server, started here, is the EHR of
 * two clinics (one writing transactions, one per resource). A realistic set of records, with a
 * dose that arrives before its patient and encounter, unchanged resends and changed resends;
 * then, by identifier search in the EHR, each resource exists exactly once, with the right
 * content and references, and the changed ones have a second version. The first clinic sends
 * over HTTP; the second is an HL7 v2 clinic: its patients arrive as ADT^A04 (A08 after the
 * first), its doses as RAS^O17, its scores as ORU^R01 over MLLP, each answered AA, and only its
 * encounters over HTTP (HL7 v2 carries none). Both end the same in the EHR.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bridge.sync.poll-interval=100ms",
        "bridge.security.local-key-dir=target/test-keys",
        "bridge.sync.initial-backoff=200ms"})
abstract class EndToEndSyncScenario {

    /** One real EHR for every end-to-end class (it takes a while to start); clinics keep them apart. */
    static final DemoEhrServer EHR = SharedEhr.INSTANCE;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Value("${bridge.hl7.port}")
    int hl7Port;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The records the HL7 clinic has sent a message for (its next one is an update). */
    private final Set<String> hl7Sent = new HashSet<>();

    @Autowired
    JdbcClient jdbc;

    /**
     * Clinics of the given ids, one writing transactions, one per resource, both to the shared
     * EHR; the second sends HL7 v2 (MSH-4 its id in capitals) to the bridge's listener.
     */
    static void clinics(DynamicPropertyRegistry registry, String north, String south) {
        int hl7Port = BridgeProcess.freePort();
        registry.add("bridge.hl7.enabled", () -> "true");
        registry.add("bridge.hl7.port", () -> hl7Port);
        // A list binds from one property source only: the whole of each clinic is given here.
        registry.add("bridge.clinics[0].id", () -> north);
        registry.add("bridge.clinics[0].time-zone", () -> "America/Denver");
        registry.add("bridge.clinics[0].ehr.type", () -> "fhir");
        registry.add("bridge.clinics[0].ehr.write-mode", () -> "transaction");
        registry.add("bridge.clinics[0].ehr.base-url", EHR::baseUrl);
        registry.add("bridge.clinics[1].id", () -> south);
        registry.add("bridge.clinics[1].time-zone", () -> "America/Chicago");
        registry.add("bridge.clinics[1].ehr.type", () -> "fhir");
        registry.add("bridge.clinics[1].ehr.write-mode", () -> "per-resource");
        registry.add("bridge.clinics[1].ehr.base-url", EHR::baseUrl);
        registry.add("bridge.clinics[1].hl7-facility", () -> facility(south));
    }

    private static String facility(String clinic) {
        return clinic.toUpperCase(Locale.ROOT);
    }


    /** The ids of this run's two clinics. */
    abstract List<String> clinicIds();

    private void post(String clinic, String kind, String ndjsonBody) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/clinics/" + clinic + "/" + kind))
                .header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + TestTokens.clinicIt(clinic))
                .POST(HttpRequest.BodyPublishers.ofString(ndjsonBody)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /**
     * Sends records as an HL7 v2 clinic does: each patient, dose and score as its own message over
     * MLLP, answered AA (a patient's first message ADT^A04, later ones ADT^A08; a dose's first RXA-21
     * A, later ones U); encounters over HTTP.
     */
    private void sendAsAnHl7Clinic(String clinic, String kind, String ndjsonBody) throws Exception {
        if (kind.equals("encounters")) {
            post(clinic, kind, ndjsonBody);
            return;
        }
        try (MllpClient mllp = new MllpClient(hl7Port)) {
            for (String line : ndjsonBody.strip().split("\n")) {
                String id = JSON.readTree(line).path(kind.equals("patients") ? "mrn" : kind.equals("doses") ? "doseId" : "scoreId").asText();
                boolean first = hl7Sent.add(clinic + "/" + kind + "/" + id);
                String event = kind.equals("patients") ? (first ? "A04" : "A08") : (first ? "A" : "U");
                String ack = mllp.send(Hl7Messages.ofRecord(facility(clinic), "E2E-" + hl7Sent.size() + "-" + System.nanoTime(),
                        kind, line, event));
                assertThat(MllpClient.code(ack)).as(kind + " " + id + ": " + ack).isEqualTo("AA");
            }
        }
    }

    @Test
    void everyRecordOfTwoClinicsIsInTheEhrExactlyOnceWithItsCorrections() throws Exception {
        ClinicDay.send(clinicIds().get(0), this::post);
        ClinicDay.send(clinicIds().get(1), this::sendAsAnHl7Clinic);

        // The validator loads its definitions once the bridge is up: well over a minute on a busy shared machine.
        await().atMost(Duration.ofMinutes(5)).untilAsserted(() -> assertThat(
                jdbc.sql("select count(*) from sync_task where status <> 'SENT'").query(Integer.class).single()).isZero());
        assertThat(jdbc.sql("select count(*) from sync_task").query(Integer.class).single())
                .as("2 patients + 3 encounters + 2 doses + 3 scores + 3 corrections, per clinic").isEqualTo(26);

        IGenericClient ehr = EhrSearch.client(EHR.baseUrl(), null);
        for (String clinic : clinicIds()) {
            assertClinicDay(ehr, clinic);
        }

        // The auditors' store holds the same, each clinic's in its partition, read with that clinic's auditor token.
        await().atMost(Duration.ofMinutes(4)).untilAsserted(() -> assertThat(
                jdbc.sql("select count(*) from store_task where status <> 'STORED'").query(Integer.class).single()).isZero());
        for (String clinic : clinicIds()) {
            IGenericClient store = EhrSearch.client("http://localhost:" + port + "/fhir", "Bearer " + TestTokens.auditor(clinic));
            assertClinicDay(store, clinic);
            // Where each version went: a delivery Provenance per version of the dose, naming the EHR's copy.
            String base = "urn:ketabridge:" + clinic;
            MedicationAdministration d100 = only(store, MedicationAdministration.class, base + "/dose", "D-100");
            MedicationAdministration inEhr = only(ehr, MedicationAdministration.class, base + "/dose", "D-100");
            Bundle provenance = store.search().forResource(org.hl7.fhir.r4.model.Provenance.class)
                    .where(new ca.uhn.fhir.rest.gclient.ReferenceClientParam("target").hasId(id(d100)))
                    .returnBundle(Bundle.class).execute();
            var deliveries = provenance.getEntry().stream().map(e -> (org.hl7.fhir.r4.model.Provenance) e.getResource())
                    .filter(p -> p.getActivity().getCodingFirstRep().getCode().equals("transmit")).toList();
            assertThat(deliveries).as("one delivery per version of D-100").hasSize(2);
            assertThat(deliveries).allSatisfy(p -> {
                assertThat(p.getTarget()).extracting(r -> r.getReference())
                        .contains(EHR.baseUrl() + "/" + id(inEhr));
                assertThat(p.getOccurredDateTimeType().getValue()).isNotNull();
            });
        }
    }

    /** A clinic's day, as a FHIR server holds it (the EHR, or the auditors' store). */
    private void assertClinicDay(IGenericClient ehr, String clinic) {
        {
            String base = "urn:ketabridge:" + clinic;
            Patient rivera = only(ehr, Patient.class, base + "/mrn", "MRN-1");
            Patient okafor = only(ehr, Patient.class, base + "/mrn", "MRN-2");
            assertThat(rivera.getNameFirstRep().getFamily()).isEqualTo("Rivera-Lopez");
            assertThat(rivera.getMeta().getVersionId()).as("corrected patient").isEqualTo("2");
            assertThat(okafor.getMeta().getVersionId()).as("unchanged resend made no version").isEqualTo("1");

            Encounter e10 = only(ehr, Encounter.class, base + "/encounter", "E-10");
            assertThat(e10.getSubject().getReference()).isEqualTo(id(rivera));
            assertThat(e10.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);

            MedicationAdministration d100 = only(ehr, MedicationAdministration.class, base + "/dose", "D-100");
            assertThat(d100.getMeta().getVersionId()).as("corrected dose").isEqualTo("2");
            assertThat(d100.getDosage().getDose().getValue()).isEqualByComparingTo(new BigDecimal(40));
            assertThat(d100.getSubject().getReference()).as("the late patient, as the EHR knows it").isEqualTo(id(rivera));
            assertThat(d100.getContext().getReference()).isEqualTo(id(e10));
            // The body weight used for dosing, the clinic, the treatment course, and where it all came from.
            Observation weight = only(ehr, Observation.class, base + "/dose-weight", "D-100");
            assertThat(d100.getSupportingInformationFirstRep().getReference()).isEqualTo(id(weight));
            var clinicOrg = only(ehr, org.hl7.fhir.r4.model.Organization.class, base + "/clinic", clinic);
            assertThat(e10.getServiceProvider().getReference()).isEqualTo(id(clinicOrg));
            var series = only(ehr, org.hl7.fhir.r4.model.EpisodeOfCare.class, base + "/series", "S-MRN-1");
            assertThat(e10.getEpisodeOfCareFirstRep().getReference()).isEqualTo(id(series));
            Bundle provenance = ehr.search().forResource(org.hl7.fhir.r4.model.Provenance.class)
                    .where(new ca.uhn.fhir.rest.gclient.ReferenceClientParam("target").hasId(id(d100)))
                    .returnBundle(Bundle.class).execute();
            assertThat(provenance.getEntry()).as("one Provenance of origin per version of the dose")
                    .filteredOn(e -> !"transmit".equals(((org.hl7.fhir.r4.model.Provenance) e.getResource())
                            .getActivity().getCodingFirstRep().getCode()))
                    .hasSize(2);

            MedicationAdministration d200 = only(ehr, MedicationAdministration.class, base + "/dose", "D-200");
            assertThat(d200.getMeta().getVersionId()).isEqualTo("1");
            assertThat(d200.getSubject().getReference()).isEqualTo(id(okafor));

            Observation s10 = only(ehr, Observation.class, base + "/score", "S-10");
            assertThat(s10.getValueIntegerType().getValue()).isEqualTo(12);
            assertThat(s10.getEncounter().getReference()).isEqualTo(id(e10));

            Observation s11 = only(ehr, Observation.class, base + "/score", "S-11");
            Observation outcome = only(ehr, Observation.class, base + "/score-outcome", "S-11");
            assertThat(outcome.getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("response");
            assertThat(outcome.getDerivedFrom()).extracting(r -> r.getReference()).containsExactly(id(s10), id(s11));
            assertThat(only(ehr, Observation.class, base + "/score-outcome", "S-10").getValueCodeableConcept()
                    .getCodingFirstRep().getCode()).isEqualTo("baseline");

            // Vital signs: one Observation per measure, tied to the encounter (09:00 MDT = 15:00 UTC).
            String at = clinic.equals(clinicIds().get(0)) ? "20261005150000" : "20261005140000";
            Observation bp = only(ehr, Observation.class, base + "/vital", "E-10:" + at + ":bp");
            assertThat(bp.getComponent()).hasSize(2);
            assertThat(bp.getEncounter().getReference()).isEqualTo(id(e10));
            assertThat(bp.getSubject().getReference()).isEqualTo(id(rivera));
            only(ehr, Observation.class, base + "/vital", "E-10:" + at + ":hr");

            // Contract 1.1: the esketamine session's own Observations; its corrected events the same resource, version 2.
            Encounter e30 = only(ehr, Encounter.class, base + "/encounter", "E-30");
            Observation events = only(ehr, Observation.class, base + "/session-observation", "E-30:adverse-events");
            assertThat(events.getMeta().getVersionId()).as("corrected from sedation to none").isEqualTo("2");
            assertThat(events.getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("none");
            assertThat(events.getComponent()).isEmpty();
            assertThat(events.getEncounter().getReference()).isEqualTo(id(e30));
            assertThat(events.getSubject().getReference()).isEqualTo(id(okafor));
            Observation medications = only(ehr, Observation.class, base + "/session-observation", "E-30:concomitant-medications");
            assertThat(medications.getComponent()).extracting(c -> c.getValueCodeableConcept().getCodingFirstRep().getCode())
                    .containsExactly("benzodiazepine");
            Observation readyToLeave = only(ehr, Observation.class, base + "/session-observation", "E-30:ready-to-leave");
            assertThat(readyToLeave.getValueQuantity().getValue()).isEqualByComparingTo(new BigDecimal(95));
            assertThat(readyToLeave.getValueQuantity().getCode()).isEqualTo("min");
        }
    }
}
