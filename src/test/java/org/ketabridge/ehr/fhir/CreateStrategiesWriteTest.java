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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.db.EhrResources;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.ehr.auth.EhrAuthorization;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.MovableClock;
import org.ketabridge.support.RestrictedEhr;
import org.ketabridge.support.TestClinics;
import org.ketabridge.support.TestDatabases;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The strategies {@code create-only} and {@code conditional-create} (issue 13, item 4) against an
 * EHR ({@link RestrictedEhr}) whose CapabilityStatement declares, for Encounter, create with
 * conditional create and update (no conditional update), and for Observation create only. What
 * clinic IT would notice: each resource is in the EHR once, whatever was lost on the way; a change
 * the EHR does not take is not sent and the bridge says so, naming the type and the version; a
 * record the EHR already holds gets the bridge's version. Record ids hold a '.' and a '_'.
 */
class CreateStrategiesWriteTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String ENCOUNTER_SYSTEM = "urn:ketabridge:north/encounter";
    private static final String VITAL_SYSTEM = "urn:ketabridge:north/vital";
    private static final String SCORE_SYSTEM = "urn:ketabridge:north/score";

    private final RestrictedEhr restricted = new RestrictedEhr();
    private final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private WireMockServer ehr;
    private EhrResources intents;
    private String id;

    @BeforeEach
    void database() {
        DataSource db = TestDatabases.migratedH2("create-strategies-" + UUID.randomUUID());
        intents = new EhrResources(JdbcClient.create(db), new DataSourceTransactionManager(db));
        id = "E." + UUID.randomUUID().toString().substring(0, 8) + "_a";
    }

    @AfterEach
    void stop() {
        if (ehr != null) {
            ehr.stop();
        }
    }

    @Test
    void aCreateOnlyResourceIsPostedOnceAndALaterChangeToItIsNotSentAndSaysSo() throws Exception {
        FhirEhrClient client = client();

        WriteResult first = client.write(score(id, 12), 1L, 1);

        assertThat(requests()).containsExactly("GET /fhir/metadata", "POST /fhir/Observation");
        assertThat(first.reference()).matches("Observation/\\d+");
        assertThat(state("Observation", SCORE_SYSTEM, id)).isEqualTo("CREATED " + first.reference().split("/")[1] + " 1");

        ehr.resetRequests();
        WriteResult unchanged = client.write(score(id, 12), 2L, 2);
        assertThat(unchanged.isStored()).as("a version whose body is the one sent is simply sent").isTrue();
        assertThat(unchanged.reference()).isEqualTo(first.reference());
        assertThat(requests()).isEmpty();

        WriteResult changed = client.write(score(id, 19), 3L, 3);

        assertThat(changed.isStored()).isFalse();
        assertThat(changed.refusal()).as("not a refusal: nothing is dead-lettered").isNull();
        assertThat(changed.notAccepted()).isEqualTo(new WriteResult.NotAccepted("Observation",
                "this EHR takes no changes to Observation (create-only): version 3 not sent"));
        assertThat(requests()).as("nothing sent").isEmpty();
        assertThat(((Observation) restricted.get(first.reference())).getValueIntegerType().getValue())
                .as("the EHR keeps what it took").isEqualTo(12);
        assertThat(restricted.postsOf(SCORE_SYSTEM, id)).isEqualTo(1);
    }

    /**
     * The encounter goes by conditional create, then by versioned update; its vital sign, of a
     * create-only type, stays as the EHR holds it when it changes (the record is sent, with a note).
     */
    @Test
    void aConditionalCreateSendsIfNoneExistAndLaterVersionsGoByVersionedUpdate() throws Exception {
        FhirEhrClient client = client();

        WriteResult first = client.write(encounter(id, Encounter.EncounterStatus.INPROGRESS, 72), 1L, 1);

        assertThat(requests()).containsExactly("GET /fhir/metadata", "POST /fhir/Encounter", "POST /fhir/Observation");
        assertThat(ifNoneExists()).as("identifier=system|value, URL-encoded as in a search")
                .containsExactly("identifier=urn%3Aketabridge%3Anorth%2Fencounter%7C" + id);
        String encounter = first.reference();
        String observation = first.written().get("urn:uuid:obs-" + id);
        assertThat(((Observation) restricted.get(observation)).getEncounter().getReference()).isEqualTo(encounter);
        assertThat(state("Encounter", ENCOUNTER_SYSTEM, id)).isEqualTo("CREATED " + encounter.split("/")[1] + " 1");

        ehr.resetRequests();
        WriteResult second = client.write(encounter(id, Encounter.EncounterStatus.FINISHED, 80), 2L, 2);

        assertThat(second.isStored()).isTrue();
        assertThat(second.reference()).isEqualTo(encounter);
        assertThat(requests()).as("the encounter updated; the observation's change not sent")
                .containsExactly("PUT /fhir/" + encounter);
        assertThat(header("If-Match")).isEqualTo("W/\"1\"");
        assertThat(((Encounter) restricted.get(encounter)).getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(((Observation) restricted.get(observation)).getValueQuantity().getValue().intValue()).isEqualTo(72);
        assertThat(second.notes()).containsExactly("this EHR takes no changes to Observation (create-only): version 2 not sent");
        assertThat(second.written()).containsEntry("urn:uuid:obs-" + id, observation);
        assertThat(restricted.postsOf(ENCOUNTER_SYSTEM, id)).isEqualTo(1);
    }

    /** The EHR stores the POSTed encounter, then the connection breaks: its answer is lost. */
    @Test
    void aLostAnswerToAConditionalCreateIsSentAgainOnceSettledAndTheEhrHoldsOne() throws Exception {
        FhirEhrClient client = client();
        restricted.loseNextPostAnswer("Encounter");

        assertThatThrownBy(() -> client.write(encounter(id, Encounter.EncounterStatus.FINISHED, 72), 1L, 1))
                .as("tried again later, as any transient failure").isInstanceOf(EhrUnavailableException.class);
        assertThat(state("Encounter", ENCOUNTER_SYSTEM, id)).isEqualTo("CREATING null null");

        ehr.resetRequests();
        // At once, the first POST may still be arriving: two in flight could both find none and both create.
        assertThatThrownBy(() -> client.write(encounter(id, Encounter.EncounterStatus.FINISHED, 72), 1L, 1))
                .isInstanceOf(EhrUnavailableException.class).hasMessageContaining("may still be arriving")
                .hasMessageContaining("sent again");
        assertThat(requests()).as("nothing sent before the first create has settled").isEmpty();
        clock.advance(client.settle());

        WriteResult retry = client.write(encounter(id, Encounter.EncounterStatus.FINISHED, 72), 1L, 1);

        assertThat(retry.isStored()).isTrue();
        assertThat(requests()).as("the same conditional create again (the EHR answers with the one it holds), no update:"
                + " it holds this very body").containsExactly("POST /fhir/Encounter", "POST /fhir/Observation");
        assertThat(restricted.postsOf(ENCOUNTER_SYSTEM, id)).isEqualTo(2);
        assertThat(restricted.held(ENCOUNTER_SYSTEM, id)).as("one encounter in the EHR").isEqualTo(1);
        assertThat(restricted.held(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
        assertThat(state("Encounter", ENCOUNTER_SYSTEM, id)).isEqualTo("CREATED " + retry.reference().split("/")[1] + " 1");
    }

    /** The EHR holds the encounter from elsewhere, as planned, not finished: it gets the bridge's version. */
    @Test
    void aConditionalCreateTheEhrAnswersWithAnEarlierBodyIsFollowedByAVersionedUpdate() throws Exception {
        FhirEhrClient client = client();
        String held = restricted.storedBehindTheBridgesBack(
                encounter(id, Encounter.EncounterStatus.PLANNED, 72).primary().resource());
        ehr.resetRequests();

        WriteResult result = client.write(encounter(id, Encounter.EncounterStatus.FINISHED, 72), 1L, 1);

        assertThat(result.reference()).isEqualTo(held);
        assertThat(requests()).containsExactly("POST /fhir/Encounter", "PUT /fhir/" + held,
                "POST /fhir/Observation");
        assertThat(((Encounter) restricted.get(held)).getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(restricted.held(ENCOUNTER_SYSTEM, id)).isEqualTo(1);
        assertThat(state("Encounter", ENCOUNTER_SYSTEM, id)).isEqualTo("CREATED " + held.split("/")[1] + " 2");
    }

    @Test
    void aConditionalCreateAnswered412IsTheDuplicatesAlarm() throws Exception {
        FhirEhrClient client = client();
        MappedRecord record = encounter(id, Encounter.EncounterStatus.FINISHED, 72);
        restricted.storedBehindTheBridgesBack(record.primary().resource());
        restricted.storedBehindTheBridgesBack(record.primary().resource());

        WriteResult result = client.write(record, 1L, 1);

        assertThat(result.duplicates()).isEqualTo(new WriteResult.Duplicates("Encounter", "urn:uuid:enc-" + id));
        assertThat(result.refusal()).startsWith("EHR holds duplicates: it answered 412 to the conditional create of a Encounter");
        assertThat(restricted.held(ENCOUNTER_SYSTEM, id)).as("nothing created").isEqualTo(2);
        assertThat(state("Encounter", ENCOUNTER_SYSTEM, id)).isEqualTo("none");
    }

    // --- helpers ---

    /**
     * An EHR with conditional writes for all but Encounter (create, conditional create, update) and
     * Observation (create, nothing else), both served by {@link RestrictedEhr}.
     */
    private FhirEhrClient client() throws Exception {
        CapabilityStatement statement = WritePlanTest.statement("hapi-8.8.0.json");
        statement.getRestFirstRep().getInteraction().removeIf(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION);
        for (CapabilityStatementRestResourceComponent r : statement.getRestFirstRep().getResource()) {
            if (r.getType().equals("Encounter")) {
                r.setConditionalUpdate(false).setConditionalCreate(true);
            }
            if (r.getType().equals("Observation")) {
                r.setConditionalUpdate(false).setConditionalCreate(false);
                r.getInteraction().removeIf(i -> i.getCode() == TypeRestfulInteraction.UPDATE
                        || i.getCode() == TypeRestfulInteraction.PATCH);
            }
        }
        ehr = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(false).extensions(restricted));
        ehr.start();
        FakeEhr.acceptEverything(ehr);
        restricted.serve(ehr, "Encounter|Observation");
        restricted.conditionalCreates("Encounter");
        ehr.stubFor(get(urlPathEqualTo("/fhir/metadata")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/fhir+json").withBody(FHIR.newJsonParser().encodeResourceToString(statement))));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bridge.clinics[0].id", "north");
        p.put("bridge.clinics[0].time-zone", "America/Denver");
        p.put("bridge.clinics[0].ehr.type", "fhir");
        p.put("bridge.clinics[0].ehr.base-url", ehr.baseUrl() + "/fhir");
        p.put("bridge.clinics[0].ehr.write-mode", "auto");
        p.put("bridge.clinics[0].ehr.connect-timeout", "2s");
        p.put("bridge.clinics[0].ehr.request-timeout", "5s");
        ClinicRegistry clinics = TestClinics.registry(p);
        Clinic clinic = clinics.find("north").orElseThrow();
        EhrPlans plans = new EhrPlans(clinics, FHIR);
        FhirEhrClient client = new FhirEhrClient(clinic, FHIR, plans, EhrAuthorization.fixed(clinic.ehr().authorizationHeader()),
                intents, clock);
        assertThat(plans.writeMode("north")).isNotNull();
        WritePlan plan = plans.of("north").orElseThrow();
        assertThat(plan.of("Encounter").strategy()).isEqualTo(WriteStrategy.CONDITIONAL_CREATE);
        assertThat(plan.of("Observation").strategy()).isEqualTo(WriteStrategy.CREATE_ONLY);
        return client;
    }

    /** A synthetic encounter (the record's main resource) and one vital sign referring to it by placeholder. */
    private static MappedRecord encounter(String id, Encounter.EncounterStatus status, int heartRate) {
        Encounter encounter = new Encounter();
        encounter.addIdentifier().setSystem(ENCOUNTER_SYSTEM).setValue(id);
        encounter.setStatus(status);
        Observation hr = new Observation();
        hr.addIdentifier().setSystem(VITAL_SYSTEM).setValue(id + "-hr");
        hr.setStatus(Observation.ObservationStatus.FINAL);
        hr.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
        hr.setEncounter(new Reference("urn:uuid:enc-" + id));
        hr.setValue(new Quantity().setValue(heartRate).setUnit("/min"));
        MappedResource e = new MappedResource(encounter, ENCOUNTER_SYSTEM, id, "urn:uuid:enc-" + id);
        MappedResource o = new MappedResource(hr, VITAL_SYSTEM, id + "-hr", "urn:uuid:obs-" + id);
        return new MappedRecord(List.of(e, o), e);
    }

    /** A synthetic score: one Observation, the record's main resource. */
    private static MappedRecord score(String id, int total) {
        Observation score = new Observation();
        score.addIdentifier().setSystem(SCORE_SYSTEM).setValue(id);
        score.setStatus(Observation.ObservationStatus.FINAL);
        score.getCode().addCoding().setSystem("http://loinc.org").setCode("44261-6");
        score.setValue(new IntegerType(total));
        return new MappedRecord(List.of(new MappedResource(score, SCORE_SYSTEM, id, "urn:uuid:score-" + id)));
    }

    /** {@code STATE ehrId version} of one intent log row, or {@code none}. */
    private String state(String type, String system, String value) {
        return intents.find(new EhrResources.Key("north", type, system, value))
                .map(e -> e.state() + " " + e.ehrId() + " " + e.ehrVersion()).orElse("none");
    }

    private List<String> requests() {
        List<String> requests = new ArrayList<>();
        for (ServeEvent event : ehr.getAllServeEvents()) {
            requests.add(0, event.getRequest().getMethod().getName() + " " + event.getRequest().getUrl());
        }
        return requests;
    }

    private List<String> ifNoneExists() {
        List<String> values = new ArrayList<>();
        for (ServeEvent event : ehr.getAllServeEvents()) {
            if (event.getRequest().containsHeader("If-None-Exist")) {
                values.add(0, event.getRequest().getHeader("If-None-Exist"));
            }
        }
        return values;
    }

    private String header(String name) {
        return ehr.getAllServeEvents().get(0).getRequest().getHeader(name);
    }
}
