package org.ketabridge.ehr.fhir;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.EhrResources;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.MovableClock;
import org.ketabridge.support.RestrictedEhr;
import org.ketabridge.support.TestClinics;
import org.ketabridge.support.TestDatabases;
import org.ketabridge.support.TestTasks;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * What the tests of the strategies that create by POST and change with If-Match (issue 13) share:
 * a WireMock EHR without conditional writes for Encounter and Observation ({@link RestrictedEhr}),
 * whose CapabilityStatement (HAPI's, without transaction) says so, a clinic writing to it with an
 * intent log on H2 and a clock the tests move, and one synthetic record: an encounter and a heart
 * rate referring to it, of patient {@code Patient/p1}.
 */
abstract class RestrictedEhrWriting {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String ENCOUNTER_SYSTEM = "urn:ketabridge:north/encounter";
    static final String VITAL_SYSTEM = "urn:ketabridge:north/vital";
    /** The patient every synthetic record is of, by the EHR's id. */
    static final String PATIENT = "Patient/p1";
    static final String STARTED = "2026-10-05T09:00:00-06:00";
    static final String TAKEN = "2026-10-05T09:10:00-06:00";

    final RestrictedEhr restricted = new RestrictedEhr();
    final MovableClock clock = new MovableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    WireMockServer ehr;
    EhrResources intents;
    DataSource db;
    JdbcClient jdbc;
    String id;

    @BeforeEach
    void database() {
        db = TestDatabases.migratedH2("create-update-" + UUID.randomUUID());
        jdbc = JdbcClient.create(db);
        intents = new EhrResources(jdbc, new DataSourceTransactionManager(db));
        id = "E" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() {
        if (ehr != null) {
            ehr.stop();
        }
    }

    // --- helpers ---

    void loseTheAnswerToTheObservationsPost() {
        // The encounter goes first and is answered; the observation's POST is stored, its answer lost.
        restricted.loseNextPostAnswer("Observation");
    }

    /** An EHR with conditional writes for all but Encounter and Observation, which it creates and updates with If-Match. */
    FhirEhrClient client(boolean observationIdentifierSearch) throws Exception {
        return client(statement -> {
            if (!observationIdentifierSearch) {
                declared(statement, "Observation").getSearchParam().removeIf(p -> p.getName().equals("identifier"));
            }
        });
    }

    /**
     * The same EHR, its statement changed as {@code adjust} says (before the bridge reads it); the
     * clinic writes with {@code write-mode: auto}.
     */
    FhirEhrClient client(Consumer<CapabilityStatement> adjust) throws Exception {
        CapabilityStatement statement = WritePlanTest.statement("hapi-8.8.0.json");
        statement.getRestFirstRep().getInteraction().removeIf(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION);
        for (CapabilityStatementRestResourceComponent r : statement.getRestFirstRep().getResource()) {
            if (r.getType().equals("Encounter") || r.getType().equals("Observation")) {
                r.setConditionalUpdate(false).setConditionalCreate(false);
            }
        }
        adjust.accept(statement);
        ehr = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(false).extensions(restricted));
        ehr.start();
        FakeEhr.acceptEverything(ehr);
        restricted.serve(ehr, "Encounter|Observation");
        ehr.stubFor(get(urlPathEqualTo("/fhir/metadata")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/fhir+json").withBody(FHIR.newJsonParser().encodeResourceToString(statement))));
        ClinicRegistry clinics = TestClinics.registry(clinicProperties("auto"));
        Clinic clinic = clinics.find("north").orElseThrow();
        EhrPlans plans = new EhrPlans(clinics, FHIR);
        FhirEhrClient client = new FhirEhrClient(clinic, FHIR, plans, org.ketabridge.ehr.auth.EhrAuthorization.fixed(clinic.ehr().authorizationHeader()), intents, clock);
        assertThat(plans.writeMode("north")).isNotNull();
        assertThat(plans.of("north").orElseThrow().of("Observation").strategy().configName()).isEqualTo("create-update");
        return client;
    }

    /** The statement's entry for a type. */
    static CapabilityStatementRestResourceComponent declared(CapabilityStatement statement, String type) {
        return statement.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals(type)).findFirst().orElseThrow();
    }

    Map<String, String> clinicProperties(String writeMode) {
        Map<String, String> p = TestClinics.fhirClinic(ehr.baseUrl() + "/fhir", writeMode);
        p.put("bridge.clinics[0].ehr.connect-timeout", "2s");
        p.put("bridge.clinics[0].ehr.request-timeout", "5s");
        return p;
    }

    /** A synthetic encounter (the record's main resource, finished) and one vital sign referring to it by placeholder. */
    static MappedRecord record(String id, int heartRate) {
        return record(id, heartRate, true);
    }

    /**
     * A synthetic encounter of patient {@code Patient/p1} (the record's main resource), begun at
     * {@link #STARTED} and, when {@code finished}, ended an hour later; and one heart rate taken at
     * {@link #TAKEN}, referring to it by placeholder.
     */
    static MappedRecord record(String id, int heartRate, boolean finished) {
        Encounter encounter = new Encounter();
        encounter.addIdentifier().setSystem(ENCOUNTER_SYSTEM).setValue(id);
        encounter.setStatus(finished ? Encounter.EncounterStatus.FINISHED : Encounter.EncounterStatus.INPROGRESS);
        encounter.setSubject(new Reference(PATIENT));
        encounter.getPeriod().setStartElement(new DateTimeType(STARTED));
        if (finished) {
            encounter.getPeriod().setEndElement(new DateTimeType(STARTED.replace("T09:", "T10:")));
        }
        Observation hr = new Observation();
        hr.addIdentifier().setSystem(VITAL_SYSTEM).setValue(id + "-hr");
        hr.setStatus(Observation.ObservationStatus.FINAL);
        hr.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
        hr.setSubject(new Reference(PATIENT));
        hr.setEncounter(new Reference("urn:uuid:enc-" + id));
        hr.setEffective(new DateTimeType(TAKEN));
        hr.setValue(new Quantity().setValue(heartRate).setUnit("/min").setSystem("http://unitsofmeasure.org").setCode("/min"));
        MappedResource e = new MappedResource(encounter, ENCOUNTER_SYSTEM, id, "urn:uuid:enc-" + id);
        MappedResource o = new MappedResource(hr, VITAL_SYSTEM, id + "-hr", "urn:uuid:obs-" + id);
        return new MappedRecord(List.of(e, o), e);
    }

    /** One queued encounter record of clinic north (synthetic): its task id. */
    long enqueue(String recordId, Instant at) {
        return TestTasks.queuedEncounter(db, "north", recordId, at);
    }

    /** {@code STATE ehrId version} of one intent log row. */
    String state(String type, String system, String value) {
        return intents.find(new EhrResources.Key("north", type, system, value))
                .map(e -> e.state() + " " + e.ehrId() + " " + e.ehrVersion()).orElse("none");
    }

    List<String> requests() {
        List<String> requests = new ArrayList<>();
        for (ServeEvent event : ehr.getAllServeEvents()) {
            requests.add(0, event.getRequest().getMethod().getName() + " " + event.getRequest().getUrl());
        }
        return requests;
    }

    /** The If-Match of every PUT and PATCH, in order. */
    List<String> ifMatches() {
        List<String> values = new ArrayList<>();
        for (ServeEvent event : ehr.getAllServeEvents()) {
            if (List.of("PUT", "PATCH").contains(event.getRequest().getMethod().getName())) {
                values.add(0, event.getRequest().getHeader("If-Match"));
            }
        }
        return values;
    }

    /** The body of the last request. */
    String lastBody() {
        return ehr.getAllServeEvents().get(0).getRequest().getBodyAsString();
    }

    /** A header of the last request. */
    String header(String name) {
        return ehr.getAllServeEvents().get(0).getRequest().getHeader(name);
    }
}
