package org.ketabridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scripted EHR's answer to a transaction Bundle: one response entry per request entry, in
 * order, each with a location of the entry's resource type, as a FHIR server answers.
 */
public class TransactionResponder implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "fhir-transaction";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong(1000);

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        ResponseDefinition stub = serveEvent.getResponseDefinition();
        try {
            JsonNode request = JSON.readTree(serveEvent.getRequest().getBodyAsString());
            ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction-response");
            ArrayNode entries = bundle.putArray("entry");
            for (JsonNode entry : request.path("entry")) {
                String type = entry.path("resource").path("resourceType").asText();
                entries.addObject().putObject("response").put("status", "200 OK")
                        .put("location", type + "/" + IDS.incrementAndGet() + "/_history/1");
            }
            return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.like(stub).but().withBody(JSON.writeValueAsString(bundle)).build();
        } catch (Exception e) {
            return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.like(stub).but().withStatus(400).withBody("not a Bundle").build();
        }
    }
}
