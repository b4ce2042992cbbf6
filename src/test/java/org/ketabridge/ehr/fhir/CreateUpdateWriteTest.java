package org.ketabridge.ehr.fhir;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.EhrResources;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.RestrictedEhr;
import org.ketabridge.support.TestClinics;
import org.ketabridge.sync.UncertainTasks;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code create-update} strategy (issue 13, slice 4) against an EHR without conditional
 * writes for Encounter and Observation ({@link RestrictedEhr}): a record's first version is
 * POSTed, later ones are PUT to the EHR's id with {@code If-Match}; what clinic IT would notice is
 * that the EHR holds each resource exactly once, whatever was lost on the way, and that a create
 * the bridge cannot account for is not repeated blindly.
 */
class CreateUpdateWriteTest extends RestrictedEhrWriting {

    @Test
    void aFirstVersionIsPostedAndALaterOnePutWithIfMatchReferringToTheEhrsIds() throws Exception {
        FhirEhrClient client = client(true);

        WriteResult first = client.write(record(id, 72), 1L);

        assertThat(requests()).containsExactly("GET /fhir/metadata", "POST /fhir/Encounter", "POST /fhir/Observation");
        String encounter = first.reference();
        assertThat(encounter).matches("Encounter/\\d+");
        String observation = first.written().get("urn:uuid:obs-" + id);
        Observation held = (Observation) restricted.get(observation);
        assertThat(held.getEncounter().getReference()).as("refers to the encounter by the EHR's id").isEqualTo(encounter);
        assertThat(state("Observation", VITAL_SYSTEM, id + "-hr")).isEqualTo("CREATED " + observation.split("/")[1] + " 1");

        ehr.resetRequests();
        WriteResult second = client.write(record(id, 80), 2L);

        assertThat(second.reference()).isEqualTo(encounter);
        assertThat(requests()).as("the unchanged encounter is not sent again").containsExactly("PUT /fhir/" + observation);
        assertThat(header("If-Match")).isEqualTo("W/\"1\"");
        assertThat(((Observation) restricted.get(observation)).getValueQuantity().getValue().intValue()).isEqualTo(80);
        assertThat(state("Observation", VITAL_SYSTEM, id + "-hr")).isEqualTo("CREATED " + observation.split("/")[1] + " 2");

        ehr.resetRequests();
        client.write(record(id, 80), 3L);
        assertThat(requests()).as("a version identical to the last one sent is not sent").isEmpty();
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
        assertThat(restricted.held(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
    }

    @Test
    void aStaleVersionAnswered412IsReadAgainAndTheSameBodySentWithTheNewVersion() throws Exception {
        staleVersionIsReadAgain(412);
    }

    @Test
    void aStaleVersionAnswered409IsReadAgainAndTheSameBodySentWithTheNewVersion() throws Exception {
        staleVersionIsReadAgain(409);
    }

    private void staleVersionIsReadAgain(int conflict) throws Exception {
        restricted.conflictStatus(conflict);
        FhirEhrClient client = client(true);
        String observation = client.write(record(id, 72), 1L).written().get("urn:uuid:obs-" + id);
        restricted.editedInTheEhr(observation);
        ehr.resetRequests();

        WriteResult second = client.write(record(id, 80), 2L);

        assertThat(second.isStored()).isTrue();
        assertThat(requests()).containsExactly("PUT /fhir/" + observation, "GET /fhir/" + observation, "PUT /fhir/" + observation);
        assertThat(ifMatches()).containsExactly("W/\"1\"", "W/\"2\"");
        assertThat(state("Observation", VITAL_SYSTEM, id + "-hr")).endsWith(" 3");
        assertThat(restricted.held(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
    }

    @Test
    void anEhrWhoseVersionKeepsChangingIsTriedAgainLaterNotForever() throws Exception {
        FhirEhrClient client = client(true);
        String observation = client.write(record(id, 72), 1L).written().get("urn:uuid:obs-" + id);
        restricted.editedInTheEhr(observation);
        ehr.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlPathEqualTo("/fhir/" + observation)).atPriority(1)
                .willReturn(aResponse().withStatus(412)));
        ehr.resetRequests();

        assertThatThrownBy(() -> client.write(record(id, 80), 2L)).isInstanceOf(EhrUnavailableException.class)
                .hasMessageContaining("412 to 4 versioned updates");
        assertThat(requests()).filteredOn(r -> r.startsWith("PUT")).hasSize(1 + CreateUpdateWriter.VERSION_CONFLICT_RESENDS);
    }

    /** The EHR stores the POSTed observation, then the connection breaks: its answer is lost. */
    @Test
    void aLostAnswerToAPostIsFoundByIdentifierAndNeverPostedTwice() throws Exception {
        FhirEhrClient client = client(true);
        loseTheAnswerToTheObservationsPost();

        assertThatThrownBy(() -> client.write(record(id, 72), 1L)).as("tried again later, as any transient failure")
                .isInstanceOf(EhrUnavailableException.class);
        assertThat(state("Observation", VITAL_SYSTEM, id + "-hr")).isEqualTo("UNCERTAIN null null");

        ehr.resetRequests();
        // At once, the create may still be arriving (an EHR that commits after the bridge stopped
        // waiting): not looked up yet, nothing sent, tried again once it has settled.
        assertThatThrownBy(() -> client.write(record(id, 72), 1L)).isInstanceOf(EhrUnavailableException.class)
                .hasMessageContaining("may still be arriving");
        assertThat(requests()).as("no lookup, no POST before the create has settled").isEmpty();
        clock.advance(client.settle());
        WriteResult retry = client.write(record(id, 72), 1L);

        assertThat(retry.isStored()).isTrue();
        assertThat(requests()).as("looked up, adopted, and its body (the one already sent) not sent again")
                .containsExactly("GET /fhir/Observation?identifier=" + VITAL_SYSTEM.replace(":", "%3A").replace("/", "%2F")
                        + "%7C" + id + "-hr&_count=2");
        String observation = retry.written().get("urn:uuid:obs-" + id);
        assertThat(restricted.get(observation)).isNotNull();
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).as("POSTs of the observation").isEqualTo(1);
        assertThat(restricted.held(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
        assertThat(state("Observation", VITAL_SYSTEM, id + "-hr")).isEqualTo("CREATED " + observation.split("/")[1] + " 1");

        ehr.resetRequests();
        client.write(record(id, 90), 2L);
        assertThat(requests()).containsExactly("PUT /fhir/" + observation);
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
    }

    /** A POST answered 503 that did not store: the lookup finds nothing, so it is created (once). */
    @Test
    void aLostCreateTheEhrDoesNotHoldIsCreatedAfterTheLookupFindsNone() throws Exception {
        FhirEhrClient client = client(true);
        restricted.failNextPostUnstored(1);

        assertThatThrownBy(() -> client.write(record(id, 72), 1L)).isInstanceOf(EhrUnavailableException.class);
        assertThat(state("Encounter", ENCOUNTER_SYSTEM, id)).isEqualTo("UNCERTAIN null null");
        clock.advance(client.settle());
        WriteResult retry = client.write(record(id, 72), 1L);

        assertThat(retry.isStored()).isTrue();
        assertThat(restricted.postsOf(ENCOUNTER_SYSTEM, id)).isEqualTo(2);
        assertThat(restricted.held(ENCOUNTER_SYSTEM, id)).isEqualTo(1);
        assertThat(restricted.held(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
    }

    /** An EHR that declares neither the identifier search for Observation nor one by patient: nothing can tell. */
    @Test
    void aLostAnswerWithoutAnySearchToFindItByIsNotPostedAgainAndWaitsForClinicIt() throws Exception {
        FhirEhrClient client = unsearchable();
        loseTheAnswerToTheObservationsPost();
        assertThatThrownBy(() -> client.write(record(id, 72), 1L)).isInstanceOf(EhrUnavailableException.class);
        ehr.resetRequests();
        clock.advance(client.settle());

        WriteResult retry = client.write(record(id, 72), 1L);

        assertThat(retry.isStored()).isFalse();
        assertThat(retry.refusal()).as("not a refusal: nothing was refused").isNull();
        assertThat(retry.uncertain()).startsWith("the answer to the bridge's create of this record's Observation was lost")
                .contains("declares no identifier search for Observation to find it by, nor a search by patient and date")
                .contains("not created again").contains("settle the task: in the EHR (with its id) or not");
        assertThat(requests()).as("nothing sent: the encounter is unchanged, the observation unaccounted for").isEmpty();
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
        assertThat(state("Observation", VITAL_SYSTEM, id + "-hr")).isEqualTo("UNCERTAIN null null");
    }

    /**
     * Clinic IT looked in the EHR and found the observation whose create's answer was lost: the
     * bridge adopts the id they name; nothing is POSTed again, and the record's next version
     * goes to that id (its version learnt from the EHR, since nobody told it).
     */
    @Test
    void anUncertainCreateClinicItFoundInTheEhrIsAdoptedAndNeverPostedAgain() throws Exception {
        FhirEhrClient client = unsearchable();
        long task = enqueue(id, clock.instant());
        loseTheAnswerToTheObservationsPost();
        assertThatThrownBy(() -> client.write(record(id, 72), task)).isInstanceOf(EhrUnavailableException.class);
        clock.advance(client.settle());
        assertThat(client.write(record(id, 72), task).uncertain()).isNotNull();
        madeUncertain(task);
        String found = restricted.referencesOf(VITAL_SYSTEM, id + "-hr").get(0);

        UncertainTasks.Settled settled = uncertainTasks().settle("north", task,
                new UncertainTasks.Finding.InEhr("Observation", found.split("/")[1]));

        assertThat(settled).isEqualTo(new UncertainTasks.Settled.Due(task, found));
        assertThat(taskStatus(task)).isEqualTo("PENDING");
        ehr.resetRequests();
        WriteResult again = client.write(record(id, 72), task);
        assertThat(again.written().get("urn:uuid:obs-" + id)).isEqualTo(found);
        assertThat(requests()).as("the body the EHR holds is the one sent: nothing sent").isEmpty();

        WriteResult next = client.write(record(id, 90), task + 1);
        assertThat(next.isStored()).isTrue();
        assertThat(requests()).as("no version known: the EHR's 412 says If-Match is needed, its version is read")
                .containsExactly("PUT /fhir/" + found, "GET /fhir/" + found, "PUT /fhir/" + found);
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
        assertThat(restricted.held(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
    }

    /**
     * The create whose answer was lost was another task's (an earlier version's, dead since, or
     * another record's sharing the resource); the task that meets it and cannot tell is the one
     * clinic IT sees uncertain, and settling it settles the create: adopted, not POSTed again.
     */
    @Test
    void anUncertainCreateOfAnotherTaskIsSettledThroughTheTaskThatMetIt() throws Exception {
        FhirEhrClient client = unsearchable();
        long earlier = enqueue(id, clock.instant());
        loseTheAnswerToTheObservationsPost();
        assertThatThrownBy(() -> client.write(record(id, 72), earlier)).isInstanceOf(EhrUnavailableException.class);
        long later = enqueue(id + "-later", clock.instant());
        clock.advance(client.settle());
        assertThat(client.write(record(id, 90), later).uncertain()).isNotNull();
        madeUncertain(later);
        String found = restricted.referencesOf(VITAL_SYSTEM, id + "-hr").get(0);

        assertThat(uncertainTasks().settle("north", later, new UncertainTasks.Finding.InEhr("Observation", found.split("/")[1])))
                .isEqualTo(new UncertainTasks.Settled.Due(later, found));
        ehr.resetRequests();
        WriteResult next = client.write(record(id, 90), later);
        assertThat(next.isStored()).isTrue();
        assertThat(next.written().get("urn:uuid:obs-" + id)).isEqualTo(found);
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).as("never POSTed again").isEqualTo(1);
        // The earlier task, uncertain too when it met its own lost create, has nothing left to settle: due again, not refused.
        madeUncertain(earlier);
        assertThat(uncertainTasks().settle("north", earlier, new UncertainTasks.Finding.InEhr("Observation", "x")))
                .isEqualTo(new UncertainTasks.Settled.Due(earlier, null));
    }

    /** Clinic IT found nothing in the EHR (the lost create never arrived): the bridge creates it, once. */
    @Test
    void anUncertainCreateClinicItDidNotFindInTheEhrIsCreated() throws Exception {
        FhirEhrClient client = unsearchable();
        long task = enqueue(id, clock.instant());
        // A create of the observation whose POST never arrived (the process died after its intent).
        intents.creating(new EhrResources.Key("north", "Observation", VITAL_SYSTEM, id + "-hr"), null, null, task, clock.instant());
        intents.uncertain(new EhrResources.Key("north", "Observation", VITAL_SYSTEM, id + "-hr"), clock.instant());
        clock.advance(client.settle());
        assertThat(client.write(record(id, 72), task).uncertain()).isNotNull();
        madeUncertain(task);
        assertThat(uncertainTasks().settle("north", task, new UncertainTasks.Finding.InEhr("Encounter", "1")))
                .as("the encounter was created: the task is not uncertain about it")
                .isEqualTo(new UncertainTasks.Settled.WrongType(task, "Encounter", List.of("Observation")));

        assertThat(uncertainTasks().settle("north", task, new UncertainTasks.Finding.NotInEhr()))
                .isEqualTo(new UncertainTasks.Settled.Due(task, null));
        assertThat(uncertainTasks().settle("north", task, new UncertainTasks.Finding.NotInEhr()))
                .as("settled once").isEqualTo(new UncertainTasks.Settled.NotUncertain(task));
        ehr.resetRequests();
        WriteResult written = client.write(record(id, 72), task);

        assertThat(written.isStored()).isTrue();
        assertThat(requests()).containsExactly("POST /fhir/Observation");
        assertThat(restricted.held(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
        assertThat(restricted.held(ENCOUNTER_SYSTEM, id)).isEqualTo(1);
    }

    /**
     * A bridge process that died between its POST and the answer leaves the row CREATING and its
     * sync task claimed. Once the claim's lease is over, the next writer takes the task over and
     * its write looks the resource up by identifier: adopted, not POSTed again; and the dead
     * writer's late outcome is not recorded.
     */
    @Test
    void aCreateInterruptedByACrashIsFoundByIdentifierOnceTheClaimExpiresAndNotPostedAgain() throws Exception {
        FhirEhrClient client = client(true);
        MappedRecord record = record(id, 72);
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Duration lease = Duration.ofMinutes(1);
        long task = enqueue(id, start);
        SyncQueue dead = new SyncQueue(new JdbcTemplate(db), "writer-dead");
        SyncQueue restarted = new SyncQueue(new JdbcTemplate(db), "writer-restarted");
        assertThat(dead.claim(task, start, start.plus(lease))).isTrue();
        // The dead writer's intent, committed, and its POST, which reached the EHR; then it died.
        intents.creating(new EhrResources.Key("north", "Encounter", ENCOUNTER_SYSTEM, id),
                null, null, task, start);
        String inEhr = restricted.storedBehindTheBridgesBack(record.resources().get(0).resource());

        assertThat(restarted.claim(task, start.plusSeconds(30), start.plusSeconds(30).plus(lease)))
                .as("a live claim is not taken").isFalse();
        Instant later = start.plus(lease).plusSeconds(1);
        assertThat(restarted.claim(task, later, later.plus(lease))).as("an expired one is").isTrue();
        clock.set(later);
        WriteResult result = client.write(record, task);

        assertThat(result.reference()).isEqualTo(inEhr);
        assertThat(restricted.postsOf(ENCOUNTER_SYSTEM, id)).as("no POST of the encounter").isZero();
        assertThat(restricted.held(ENCOUNTER_SYSTEM, id)).isEqualTo(1);
        assertThat(((Observation) restricted.get(result.written().get("urn:uuid:obs-" + id))).getEncounter().getReference())
                .isEqualTo(inEhr);
        assertThat(state("Encounter", ENCOUNTER_SYSTEM, id)).startsWith("CREATED " + inEhr.split("/")[1] + " ");
        assertThat(restarted.markSent(task, result.reference(), later)).isTrue();
        assertThat(dead.markSent(task, "Encounter/late", later)).as("the dead writer's late outcome").isFalse();
    }

    @Test
    void aLookupFindingTwoIsTheDuplicatesAlarm() throws Exception {
        FhirEhrClient client = client(true);
        MappedRecord record = record(id, 72);
        restricted.storedBehindTheBridgesBack(record.resources().get(0).resource());
        restricted.storedBehindTheBridgesBack(record.resources().get(0).resource());
        intents.creating(new EhrResources.Key("north", "Encounter", ENCOUNTER_SYSTEM, id), null, null, 1L, clock.instant());
        clock.advance(client.settle());

        WriteResult result = client.write(record, 1L);

        assertThat(result.duplicates()).isEqualTo(new WriteResult.Duplicates("Encounter", "urn:uuid:enc-" + id));
        assertThat(restricted.postsOf(ENCOUNTER_SYSTEM, id)).isZero();
    }

    @Test
    void anUpdateOfAResourceTheEhrNoLongerHoldsIsRefusedNotCreatedAgain() throws Exception {
        FhirEhrClient client = client(true);
        String observation = client.write(record(id, 72), 1L).written().get("urn:uuid:obs-" + id);
        restricted.delete(observation);

        WriteResult second = client.write(record(id, 80), 2L);

        assertThat(second.isStored()).isFalse();
        assertThat(second.refusal()).isEqualTo("EHR no longer holds " + observation + " (it answered 404 to its update);"
                + " the bridge does not create it again by itself: check the EHR, then replay the record");
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
    }

    /**
     * A clinic configured {@code write-mode: transaction} with {@code ehr.resources.Observation:
     * create-update}: a record with an observation goes per resource (the encounter by conditional
     * PUT as before, the observation created by POST); the EHR's statement is not read.
     */
    @Test
    void aConfiguredCreateUpdateTypeIsCreatedByPostInAClinicThatWritesTransactions() throws Exception {
        client(true);
        Map<String, String> p = clinicProperties("transaction");
        p.put("bridge.clinics[0].ehr.resources.Observation", "create-update");
        ClinicRegistry clinics = TestClinics.registry(p);
        Clinic clinic = clinics.find("north").orElseThrow();
        FhirEhrClient client = new FhirEhrClient(clinic, FHIR, new EhrPlans(clinics, FHIR),
                org.ketabridge.ehr.auth.EhrAuthorization.fixed(clinic.ehr().authorizationHeader()), intents, clock);
        // The encounter's conditional PUT is taken here as by any EHR with conditional writes.
        ehr.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlPathEqualTo("/fhir/Encounter")).atPriority(1)
                .willReturn(FakeEhr.stored()));
        ehr.resetRequests();

        WriteResult result = client.write(record(id, 72), 1L);

        assertThat(result.isStored()).isTrue();
        assertThat(requests()).containsExactly("PUT /fhir/Encounter?identifier=" + ENCOUNTER_SYSTEM.replace(":", "%3A")
                .replace("/", "%2F") + "%7C" + id, "POST /fhir/Observation");
        assertThat(((Observation) restricted.get(result.written().get("urn:uuid:obs-" + id))).getEncounter().getReference())
                .isEqualTo(result.reference());
    }

    /** An EHR that declares neither the identifier search for Observation nor one by patient: nothing can tell. */
    private FhirEhrClient unsearchable() throws Exception {
        return client(statement -> declared(statement, "Observation").getSearchParam()
                .removeIf(p -> List.of("identifier", "patient", "subject").contains(p.getName())));
    }

    /** What SyncOutcomes does with an uncertain answer, by the writer that holds the task. */
    private void madeUncertain(long task) {
        SyncQueue queue = new SyncQueue(new JdbcTemplate(db), "writer-test");
        assertThat(queue.claim(task, clock.instant(), clock.instant().plusSeconds(60))).isTrue();
        assertThat(queue.markUncertain(task, 1, "uncertain", clock.instant())).isTrue();
    }

    private UncertainTasks uncertainTasks() {
        return new UncertainTasks(new SyncQueue(new JdbcTemplate(db)), intents, clock);
    }

    private String taskStatus(long task) {
        return jdbc.sql("select status from sync_task where id = ?").param(task).query(String.class).single();
    }
}
