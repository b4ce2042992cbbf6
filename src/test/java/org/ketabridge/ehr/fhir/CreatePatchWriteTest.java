package org.ketabridge.ehr.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.MappedRecord;

/**
 * The {@code create-patch} strategy (issue 13) against an EHR that, like Oracle Health for Patient
 * and Encounter, creates by POST and takes later versions only as a JSON Patch with
 * {@code If-Match} (a PUT is refused, 405), and adds to what it creates: its own identifier, put
 * before the bridge's, and a location. What clinic IT would notice: the EHR's resource gets the
 * record's change, and what the EHR added is still there, untouched.
 */
class CreatePatchWriteTest extends RestrictedEhrWriting {

    private static final String FIN_SYSTEM = "urn:oid:2.16.840.1.113883.3.13.6";

    /** Encounter: create and patch, no update; the EHR adds its FIN first and a location to each it creates. */
    private FhirEhrClient patchingClient() throws Exception {
        restricted.patchOnly("Encounter");
        restricted.addsOnCreate("Encounter", r -> {
            Encounter e = (Encounter) r;
            e.getIdentifier().add(0, new Identifier().setSystem(FIN_SYSTEM).setValue("FIN-1"));
            e.addLocation().setLocation(new Reference("Location/ward-3"));
        });
        return client(statement -> declared(statement, "Encounter").getInteraction()
                .removeIf(i -> i.getCode() == TypeRestfulInteraction.UPDATE));
    }

    @Test
    void aLaterVersionIsAJsonPatchWithIfMatchAndWhatTheEhrAddedStays() throws Exception {
        FhirEhrClient client = patchingClient();
        String encounter = client.write(record(id, 72, false), 1L).reference();
        ehr.resetRequests();

        WriteResult second = client.write(record(id, 72, true), 2L);

        assertThat(second.reference()).isEqualTo(encounter);
        assertThat(requests()).as("the encounter patched, the unchanged observation not sent").containsExactly("PATCH /fhir/" + encounter);
        assertThat(header("If-Match")).isEqualTo("W/\"1\"");
        assertThat(header("Content-Type")).startsWith("application/json-patch+json");
        assertThat(lastBody()).as("only what changed: the status and the period's end")
                .contains("\"/status\"", "\"/period/end\"").doesNotContain("identifier", "location", "subject");
        Encounter held = (Encounter) restricted.get(encounter);
        assertThat(held.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(held.getPeriod().getEndElement().getValueAsString()).isEqualTo("2026-10-05T10:00:00-06:00");
        assertThat(held.getIdentifier()).extracting(Identifier::getSystem).as("the EHR's identifier kept, first")
                .containsExactly(FIN_SYSTEM, ENCOUNTER_SYSTEM);
        assertThat(held.getLocationFirstRep().getLocation().getReference()).as("the EHR's location kept").isEqualTo("Location/ward-3");
        assertThat(state("Encounter", ENCOUNTER_SYSTEM, id)).isEqualTo("CREATED " + encounter.split("/")[1] + " 2");
        assertThat(restricted.postsOf(ENCOUNTER_SYSTEM, id)).isEqualTo(1);
    }

    @Test
    void aStaleVersionAnswered412IsReadAgainAndTheSamePatchSentWithTheNewVersion() throws Exception {
        FhirEhrClient client = patchingClient();
        String encounter = client.write(record(id, 72, false), 1L).reference();
        restricted.changedInTheEhr(encounter, r -> ((Encounter) r).addLocation().setLocation(new Reference("Location/recovery")));
        ehr.resetRequests();

        WriteResult second = client.write(record(id, 72, true), 2L);

        assertThat(second.isStored()).isTrue();
        assertThat(requests()).containsExactly("PATCH /fhir/" + encounter, "GET /fhir/" + encounter, "PATCH /fhir/" + encounter);
        assertThat(ifMatches()).containsExactly("W/\"1\"", "W/\"2\"");
        Encounter held = (Encounter) restricted.get(encounter);
        assertThat(held.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(held.getLocation()).extracting(l -> l.getLocation().getReference()).as("the EHR's change kept")
                .containsExactly("Location/ward-3", "Location/recovery");
        assertThat(state("Encounter", ENCOUNTER_SYSTEM, id)).endsWith(" 3");
    }

    /**
     * The bridge changes its own identifier element (index 0 in what it sent), but the EHR put its
     * own identifier there: the patch's test of that element fails and the EHR refuses it, so the
     * EHR's identifier is not overwritten; the record says why.
     */
    @Test
    void aChangeToAnArrayElementWhereTheEhrPutItsOwnIsRefusedNotAppliedToTheEhrs() throws Exception {
        FhirEhrClient client = patchingClient();
        String encounter = client.write(record(id, 72, false), 1L).reference();
        MappedRecord later = record(id, 72, false);
        ((Encounter) later.primary().resource()).getIdentifierFirstRep().setUse(Identifier.IdentifierUse.OFFICIAL);

        WriteResult second = client.write(later, 2L);

        assertThat(second.isStored()).isFalse();
        assertThat(second.refusal()).startsWith("EHR refused the patch of " + encounter + " with 422")
                .contains("first tests that each array element it changes still holds what the bridge last sent there");
        Encounter held = (Encounter) restricted.get(encounter);
        assertThat(held.getIdentifierFirstRep().getSystem()).isEqualTo(FIN_SYSTEM);
        assertThat(held.getIdentifierFirstRep().hasUse()).as("the EHR's identifier untouched").isFalse();
        assertThat(held.getMeta().getVersionId()).isEqualTo("1");
    }
}
