package org.ketabridge.bench;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TransactionResponder;

/**
 * Mode (c) of the load harness writes what the bridge writes, the way the bridge writes it: each
 * shared resource (the clinic's Organization, a series' EpisodeOfCare) once, however many
 * clients post in parallel, the records after it referring to the id the EHR gave it. Parallel
 * conditional creates of one series made HAPI hold it twice and refuse the run with 412.
 */
class DirectIngestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WireMockServer ehr = new WireMockServer(wireMockConfig().dynamicPort().extensions(new TransactionResponder()));

    @AfterEach
    void stop() {
        ehr.stop();
    }

    @Test
    void sharedResourcesAreWrittenOnceAndReferredToByTheEhrsIdAfterwards() throws Exception {
        ehr.start();
        FakeEhr.acceptEverything(ehr);
        Workload workload = new Workload(List.of("load1"), 4);

        DirectIngest.Result result = new DirectIngest().run(ehr.baseUrl() + "/fhir", List.of("load1"), workload, 4, 50);

        assertThat(result.records()).isEqualTo(workload.recordCount());
        List<FakeEhr.Write> writes = FakeEhr.writes(ehr);
        assertThat(writes).allMatch(FakeEhr.Write::stored);
        assertThat(writes).filteredOn(w -> w.identifier() != null && w.identifier().startsWith("urn:ketabridge:load1/series|"))
                .as("each of the 4 series' EpisodeOfCare, written once").hasSize(4);
        assertThat(writes).filteredOn(w -> w.identifier() != null && w.identifier().startsWith("urn:ketabridge:load1/clinic|"))
                .as("the clinic's Organization, written once").hasSize(1);
        assertThat(writes).filteredOn(w -> w.identifier() != null && w.identifier().startsWith("urn:ketabridge:load1/encounter|"))
                .hasSize(workload.expectedIdentifiers().get("encounter"));
        for (ServeEvent event : ehr.getAllServeEvents()) {
            assertThat(danglingPlaceholders(JSON.readTree(event.getRequest().getBodyAsString())))
                    .as("every urn:uuid reference is to an entry of the same transaction").isEmpty();
        }
    }

    /** References to a {@code urn:uuid:} no entry of the bundle carries as its fullUrl. */
    private static Set<String> danglingPlaceholders(JsonNode bundle) {
        Set<String> fullUrls = new HashSet<>();
        bundle.path("entry").forEach(e -> fullUrls.add(e.path("fullUrl").asText()));
        Set<String> dangling = new HashSet<>();
        for (JsonNode reference : bundle.findValues("reference")) {
            if (reference.asText().startsWith("urn:uuid:") && !fullUrls.contains(reference.asText())) {
                dangling.add(reference.asText());
            }
        }
        return dangling;
    }
}
