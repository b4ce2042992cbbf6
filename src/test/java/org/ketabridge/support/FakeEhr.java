package org.ketabridge.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A scripted EHR on WireMock: a conditional PUT per resource answers 200 with a Location, a
 * transaction answers with a transaction-response Bundle. Tests add failures on top (higher
 * priority stubs). {@link #writes} reads back every write it received, by identifier, so a test
 * can assert what the EHR would hold.
 */
public final class FakeEhr {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeEhr() {
    }

    public static void acceptEverything(WireMockServer ehr) {
        // Conditional PUT (Type?identifier=...) and PUT to a fixed id (Provenance/kb-...).
        ehr.stubFor(put(urlPathMatching("/fhir/[A-Za-z]+(/[A-Za-z0-9-]+)?")).atPriority(10).willReturn(stored()));
        ehr.stubFor(post(urlPathEqualTo("/fhir")).atPriority(10).willReturn(transactionStored()));
        ehr.stubFor(any(urlPathMatching("/fhir/.*")).atPriority(100)
                .willReturn(aResponse().withStatus(404)));
    }

    /**
     * Back to {@link #acceptEverything} with an empty journal and every scenario at its start, on
     * an EHR the bridge may be writing to at this moment: the accepting stubs go in before the
     * test's failures come out, so no request ever meets an EHR without stubs. (resetAll() then
     * acceptEverything() left a moment in which WireMock answered 404 to everything, and the bridge
     * dead-letters a write refused with 404: a retry or a held clinic's probe landing in it lost
     * its record.)
     */
    public static void reset(WireMockServer ehr) {
        reset(ehr, accepting -> { });
    }

    /** {@link #reset(WireMockServer)}, with the EHR's own accepting stubs ({@code alsoServing}) in before the old ones go. */
    public static void reset(WireMockServer ehr, Consumer<WireMockServer> alsoServing) {
        List<StubMapping> scripted = ehr.getStubMappings();
        acceptEverything(ehr);
        alsoServing.accept(ehr);
        scripted.forEach(ehr::removeStub);
        ehr.resetScenarios();
        ehr.resetRequests();
    }

    public static ResponseDefinitionBuilder stored() {
        return aResponse().withStatus(200)
                .withHeader("Location", "{{request.baseUrl}}/fhir/{{request.pathSegments.[1]}}/{{randomValue length=6 type='NUMERIC'}}/_history/1")
                .withTransformers("response-template");
    }

    public static ResponseDefinitionBuilder transactionStored() {
        return aResponse().withStatus(200)
                .withHeader("Content-Type", "application/fhir+json")
                .withTransformers(TransactionResponder.NAME);
    }

    /**
     * One write the EHR received for one identifier, and what it answered: when it arrived, and
     * when the EHR had done with it ({@code answeredAt}: arrival plus the time it took to serve,
     * without a delay a test scripted on top of the answer, which is network time, not the EHR's).
     */
    public record Write(String method, String identifier, int status, boolean faulted, long arrivedAt, long answeredAt) {
        public boolean stored() {
            return status >= 200 && status < 300;
        }

        /** The EHR holds what this write sent (it answered 2xx, or it processed it and the connection failed after). */
        boolean processed(boolean faultsWereProcessed) {
            return stored() || (faultsWereProcessed && faulted);
        }
    }

    /** Every write received, oldest first, one entry per resource identifier (a transaction counts once per entry). */
    public static List<Write> writes(WireMockServer ehr) {
        List<Write> writes = new ArrayList<>();
        List<ServeEvent> events = new ArrayList<>(ehr.getAllServeEvents());
        java.util.Collections.reverse(events); // WireMock lists newest first; tests read in order received
        for (ServeEvent event : events) {
            var request = event.getRequest();
            int status = event.getResponse() == null ? 0 : event.getResponse().getStatus();
            boolean faulted = event.getResponseDefinition() != null && event.getResponseDefinition().getFault() != null;
            String method = request.getMethod().getName();
            long arrivedAt = request.getLoggedDate().getTime();
            Integer serveTime = event.getTiming() == null ? null : event.getTiming().getServeTime();
            long answeredAt = arrivedAt + (serveTime == null ? 0 : serveTime);
            if ("PUT".equals(method)) {
                writes.add(new Write(method, identifierOf(request.getUrl()), status, faulted, arrivedAt, answeredAt));
            } else if ("POST".equals(method)) {
                try {
                    JsonNode bundle = JSON.readTree(request.getBodyAsString());
                    for (JsonNode entry : bundle.path("entry")) {
                        String url = entry.path("request").path("url").asText();
                        String entryMethod = entry.path("request").path("method").asText();
                        writes.add(new Write("TX-" + entryMethod, identifierOf(url), status, faulted, arrivedAt, answeredAt));
                    }
                } catch (Exception e) {
                    writes.add(new Write("POST-UNREADABLE", null, status, faulted, arrivedAt, answeredAt));
                }
            } else {
                writes.add(new Write(method, null, status, faulted, arrivedAt, answeredAt));
            }
        }
        return writes;
    }

    /**
     * What makes a write idempotent: {@code Patient?identifier=sys%7Cval} → {@code sys|val}; a
     * write to a fixed id ({@code Provenance/kb-...}, which has no identifier in R4) → that path;
     * null for any other write (a plain create, which could duplicate).
     */
    static String identifierOf(String url) {
        int q = url.indexOf("?identifier=");
        if (q >= 0) {
            return URLDecoder.decode(url.substring(q + "?identifier=".length()), StandardCharsets.UTF_8);
        }
        String path = url.startsWith("/fhir/") ? url.substring("/fhir/".length()) : url;
        return path.matches("Provenance/kb-[0-9a-f]{32}") ? path : null;
    }

    /** The key under which {@link #held} counts writes that name no identifier: each one is a resource of its own. */
    public static final String UNCONDITIONAL = "(unconditional create)";

    /**
     * How many resources the EHR holds per identifier after the writes it processed, as a FHIR
     * server's conditional writes behave: a conditional write that finds a resource of its
     * identifier updates it, one that finds none creates one. A write finds only what writes
     * answered before it arrived stored; two that were in process at once each find none, and
     * each creates (a FHIR server's conditional writes are not race-proof). A write to a fixed id
     * is one resource however often it is repeated; a write without an identifier creates one
     * resource every time ({@link #UNCONDITIONAL}).
     */
    public static Map<String, Integer> held(List<Write> writes, boolean faultsWereProcessed) {
        Map<String, Integer> held = new TreeMap<>();
        List<Write> processed = writes.stream().filter(w -> w.processed(faultsWereProcessed))
                .sorted(java.util.Comparator.comparingLong(Write::arrivedAt)).toList();
        for (int i = 0; i < processed.size(); i++) {
            Write w = processed.get(i);
            if (w.identifier() == null) {
                held.merge(UNCONDITIONAL, 1, Integer::sum);
            } else if (w.identifier().startsWith("Provenance/")) {
                held.put(w.identifier(), 1);
            } else {
                boolean foundOne = processed.subList(0, i).stream().anyMatch(earlier ->
                        w.identifier().equals(earlier.identifier()) && earlier.answeredAt() <= w.arrivedAt());
                held.merge(w.identifier(), foundOne ? 0 : 1, Integer::sum);
            }
        }
        return held;
    }

    /**
     * The EHR holds each of {@code identifiers} exactly once after these writes, and nothing twice:
     * every write conditional on an identifier (or to a fixed id), each identifier stored.
     */
    public static void assertHeldOnce(List<Write> writes, List<String> identifiers, boolean faultsWereProcessed) {
        assertThat(writes).allSatisfy(w -> {
            assertThat(w.identifier()).as("every write is conditional on an identifier").isNotNull();
            assertThat(w.method()).isIn("PUT", "TX-PUT");
        });
        Map<String, Integer> held = held(writes, faultsWereProcessed);
        for (String id : identifiers) {
            assertThat(held.getOrDefault(id, 0)).as("resources the EHR holds for " + id).isEqualTo(1);
        }
        assertThat(held).as("no identifier held twice, shared resources (clinic, series) included")
                .allSatisfy((id, count) -> assertThat(count).as(id).isLessThanOrEqualTo(1));
    }

    public static Map<String, Integer> held(WireMockServer ehr, boolean faultsWereProcessed) {
        return held(writes(ehr), faultsWereProcessed);
    }

    public static List<Write> writesOf(WireMockServer ehr, String identifier) {
        return writes(ehr).stream().filter(w -> identifier.equals(w.identifier())).toList();
    }
}
