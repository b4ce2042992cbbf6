package org.ketabridge.ehr.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;

/**
 * A create whose answer was lost, at an EHR that, like Oracle Health for Observation, declares no
 * {@code identifier} search for the type and does not keep the bridge's identifiers, but holds
 * exactly one resource per record: looked up by patient, code and date, each candidate judged by
 * its content ({@link SameRecord}). What clinic IT would notice: one heart rate in the EHR per
 * record, whatever was lost on the way; duplicates raise the alarm; a resource the bridge cannot
 * tell from its own is neither adopted nor created again.
 */
class LostCreateByContentTest extends RestrictedEhrWriting {

    private static final String SEARCH = "GET /fhir/Observation?patient=Patient%2Fp1&date=2026-10-05T09%3A10%3A00-06%3A00"
            + "&code=http%3A%2F%2Floinc.org%7C8867-4&_count=" + LostCreateLookup.CANDIDATES;

    /** Observation: no identifier search, identifiers not kept; its POST is stored and its answer lost. */
    private FhirEhrClient clientLosingTheObservationsAnswer() throws Exception {
        FhirEhrClient client = client(false);
        restricted.dropsIdentifiers("Observation");
        restricted.loseNextPostAnswer("Observation");
        assertThatThrownBy(() -> client.write(record(id, 72), 1L)).isInstanceOf(EhrUnavailableException.class);
        assertThat(state("Observation", VITAL_SYSTEM, id + "-hr")).isEqualTo("UNCERTAIN null null");
        clock.advance(client.settle());
        ehr.resetRequests();
        return client;
    }

    @Test
    void aLostCreateIsFoundByPatientCodeAndDateAndNotPostedAgain() throws Exception {
        FhirEhrClient client = clientLosingTheObservationsAnswer();

        WriteResult retry = client.write(record(id, 72), 1L);

        assertThat(retry.isStored()).isTrue();
        assertThat(requests()).as("looked up by what the statement declares; adopted; nothing sent again").containsExactly(SEARCH);
        String observation = retry.written().get("urn:uuid:obs-" + id);
        assertThat(restricted.get(observation)).isNotNull();
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).as("POSTs of the observation").isEqualTo(1);
        assertThat(restricted.count("Observation")).isEqualTo(1);
        assertThat(state("Observation", VITAL_SYSTEM, id + "-hr")).isEqualTo("CREATED " + observation.split("/")[1] + " 1");

        ehr.resetRequests();
        client.write(record(id, 90), 2L);
        assertThat(requests()).as("its next version goes to the adopted one").containsExactly("PUT /fhir/" + observation);
        assertThat(restricted.count("Observation")).isEqualTo(1);
    }

    @Test
    void aLostCreateTheEhrDoesNotHoldIsCreatedAgainOnce() throws Exception {
        FhirEhrClient client = client(false);
        restricted.dropsIdentifiers("Observation");
        restricted.loseNextPostAnswer("Observation");
        assertThatThrownBy(() -> client.write(record(id, 72), 1L)).isInstanceOf(EhrUnavailableException.class);
        // It never got there after all (the EHR rolled it back).
        restricted.delete(restricted.storedOfType("Observation").get(0));
        clock.advance(client.settle());
        ehr.resetRequests();

        WriteResult retry = client.write(record(id, 72), 1L);

        assertThat(retry.isStored()).isTrue();
        assertThat(requests()).containsExactly(SEARCH, "POST /fhir/Observation");
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).isEqualTo(2);
        assertThat(restricted.count("Observation")).isEqualTo(1);
    }

    @Test
    void twoResourcesThatAreTheSameRecordAreTheDuplicatesAlarm() throws Exception {
        FhirEhrClient client = clientLosingTheObservationsAnswer();
        Observation again = (Observation) record(id, 72).resources().get(1).resource();
        restricted.storedBehindTheBridgesBack(again);

        WriteResult retry = client.write(record(id, 72), 1L);

        assertThat(retry.duplicates()).isEqualTo(new WriteResult.Duplicates("Observation", "urn:uuid:obs-" + id));
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
        assertThat(requests()).containsExactly(SEARCH);
    }

    /** The one candidate's value differs (edited in the EHR, or someone else's): not adopted, not created again. */
    @Test
    void aCandidateTheBridgeCannotTellFromItsOwnIsNeitherAdoptedNorCreatedAgain() throws Exception {
        FhirEhrClient client = clientLosingTheObservationsAnswer();
        String candidate = restricted.storedOfType("Observation").get(0);
        restricted.changedInTheEhr(candidate, r -> ((Observation) r).setValue(new Quantity().setValue(75).setUnit("/min")
                .setSystem("http://unitsofmeasure.org").setCode("/min")));

        WriteResult retry = client.write(record(id, 72), 1L);

        assertThat(retry.isStored()).isFalse();
        assertThat(retry.uncertain()).as("for clinic IT to settle").startsWith("the answer to the bridge's create of this record's Observation was lost")
                .contains("the EHR holds 1 Observation of this patient at that time that may be it").contains("not created again");
        assertThat(requests()).containsExactly(SEARCH);
        assertThat(restricted.postsOf(VITAL_SYSTEM, id + "-hr")).isEqualTo(1);
        assertThat(state("Observation", VITAL_SYSTEM, id + "-hr")).isEqualTo("UNCERTAIN null null");
    }
}
