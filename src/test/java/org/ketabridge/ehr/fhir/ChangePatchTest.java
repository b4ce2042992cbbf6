package org.ketabridge.ehr.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.fge.jsonpatch.JsonPatch;
import com.github.fge.jsonpatch.JsonPatchException;
import org.junit.jupiter.api.Test;

/**
 * The JSON Patch a create-patch type's later version is sent as, applied as an EHR applies it
 * (json-patch, as HAPI's server): it changes what the bridge changed, and nothing the EHR added,
 * and it fails rather than change an array element that is not the bridge's.
 */
class ChangePatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SENT = """
            {"resourceType":"Patient","name":[{"family":"Rivera","given":["Alex"]}],"gender":"female"}""";
    private static final String NOW = """
            {"resourceType":"Patient","name":[{"family":"Rivera-Stone","given":["Alex"]}],"birthDate":"1984-03-12"}""";

    private static JsonNode applied(String patch, String ehrCopy) throws Exception {
        return JsonPatch.fromJson(JSON.readTree(patch)).apply(JSON.readTree(ehrCopy));
    }

    @Test
    void theBridgesChangesApplyAndWhatTheEhrAddedStays() throws Exception {
        String patch = ChangePatch.between(SENT, NOW).toString();
        // The EHR's copy: its own id, meta, identifier and a member it added to the bridge's name.
        String ehrCopy = """
                {"resourceType":"Patient","id":"12","meta":{"versionId":"3"},"identifier":[{"system":"urn:oid:mrn","value":"9"}],
                 "name":[{"use":"official","family":"Rivera","given":["Alex"]}],"gender":"female"}""";

        JsonNode result = applied(patch, ehrCopy);

        assertThat(result.at("/name/0/family").asText()).isEqualTo("Rivera-Stone");
        assertThat(result.at("/name/0/use").asText()).as("added by the EHR to the bridge's element").isEqualTo("official");
        assertThat(result.at("/birthDate").asText()).isEqualTo("1984-03-12");
        assertThat(result.has("gender")).as("no longer sent by the bridge: removed").isFalse();
        assertThat(result.at("/identifier/0/value").asText()).isEqualTo("9");
        assertThat(result.at("/id").asText()).isEqualTo("12");
        assertThat(patch).doesNotContain("\"copy\"", "\"move\"", "identifier", "meta");
    }

    @Test
    void aChangeInsideAnArrayElementTheEhrPutBeforeTheBridgesFails() throws Exception {
        String patch = ChangePatch.between(SENT, NOW).toString();
        String ehrCopy = """
                {"resourceType":"Patient","name":[{"family":"Nickname","given":["Al"]},{"family":"Rivera","given":["Alex"]}],
                 "gender":"female"}""";

        assertThatThrownBy(() -> applied(patch, ehrCopy)).as("not applied to the EHR's name").isInstanceOf(JsonPatchException.class);
    }

    @Test
    void aValueMovedOrCopiedIsSpelledOutNotTakenFromTheEhrsCopy() throws Exception {
        String patch = ChangePatch.between("{\"a\":{\"x\":1},\"b\":5}", "{\"c\":{\"x\":1},\"b\":5,\"d\":5}").toString();
        // The EHR changed b meanwhile: a copy from /b would copy its 6.
        JsonNode result = applied(patch, "{\"a\":{\"x\":1},\"b\":6}");

        assertThat(result.at("/d").asInt()).isEqualTo(5);
        assertThat(result.at("/c/x").asInt()).isEqualTo(1);
        assertThat(result.has("a")).isFalse();
        assertThat(ChangePatch.between(SENT, SENT)).as("nothing changed: nothing to send").isEmpty();
    }
}
