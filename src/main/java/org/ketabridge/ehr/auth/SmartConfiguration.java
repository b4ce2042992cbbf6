package org.ketabridge.ehr.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What an EHR says of its authorization server at {@code [base]/.well-known/smart-configuration}
 * (SMART App Launch): its token endpoint, and the client authentication methods, signing
 * algorithms and grant types it declares (empty when it declares none).
 */
record SmartConfiguration(URI tokenEndpoint, List<String> authMethods, List<String> signingAlgorithms,
                          List<String> grantTypes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static URI url(URI base) {
        return URI.create(base + "/.well-known/smart-configuration");
    }

    /** @throws EhrTokenUnavailableException when it cannot be read or names no usable token endpoint */
    static SmartConfiguration read(HttpClient http, URI base, Duration timeout) {
        URI url = url(base);
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EhrTokenUnavailableException(EhrTokenUnavailableException.DISCOVERY_FAILED,
                    "no token-url configured and " + url + " could not be read (" + e.getClass().getSimpleName() + ")", 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EhrTokenUnavailableException(EhrTokenUnavailableException.DISCOVERY_FAILED, "interrupted", 0);
        }
        if (response.statusCode() != 200) {
            throw new EhrTokenUnavailableException(EhrTokenUnavailableException.DISCOVERY_FAILED,
                    "no token-url configured and " + url + " answered HTTP " + response.statusCode(), 0);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException | RuntimeException e) {
            json = null;
        }
        String endpoint = json == null ? null : json.path("token_endpoint").asText(null);
        URI token = null;
        if (endpoint != null) {
            try {
                token = URI.create(endpoint.trim());
            } catch (IllegalArgumentException bad) {
                token = null;
            }
        }
        if (token == null || token.getHost() == null || !"https".equals(token.getScheme()) && !"http".equals(token.getScheme())) {
            throw new EhrTokenUnavailableException(EhrTokenUnavailableException.DISCOVERY_FAILED,
                    url + " names no usable token_endpoint", 0);
        }
        return new SmartConfiguration(token, strings(json, "token_endpoint_auth_methods_supported"),
                strings(json, "token_endpoint_auth_signing_alg_values_supported"), strings(json, "grant_types_supported"));
    }

    private static List<String> strings(JsonNode json, String field) {
        List<String> values = new ArrayList<>();
        json.path(field).forEach(v -> values.add(v.asText()));
        return List.copyOf(values);
    }
}
