package org.ketabridge.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

    /** One write the EHR received for one identifier, and what it answered. */
    public record Write(String method, String identifier, int status, boolean faulted) {
        public boolean stored() {
            return status >= 200 && status < 300;
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
            if ("PUT".equals(method)) {
                writes.add(new Write(method, identifierOf(request.getUrl()), status, faulted));
            } else if ("POST".equals(method)) {
                try {
                    JsonNode bundle = JSON.readTree(request.getBodyAsString());
                    for (JsonNode entry : bundle.path("entry")) {
                        String url = entry.path("request").path("url").asText();
                        String entryMethod = entry.path("request").path("method").asText();
                        writes.add(new Write("TX-" + entryMethod, identifierOf(url), status, faulted));
                    }
                } catch (Exception e) {
                    writes.add(new Write("POST-UNREADABLE", null, status, faulted));
                }
            } else {
                writes.add(new Write(method, null, status, faulted));
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

    public static List<Write> writesOf(WireMockServer ehr, String identifier) {
        return writes(ehr).stream().filter(w -> identifier.equals(w.identifier())).toList();
    }
}
