package org.ketabridge.ehr.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.web.client.ResponseErrorHandler;

/**
 * Reads a token endpoint's refusal as the OAuth error it carries, whatever its status: RFC 6749
 * allows 401 as well as 400 for {@code invalid_client}, and Spring Security's own handler reads
 * the error only from a 400. An answer without an OAuth error keeps its status, so clinic IT sees
 * "HTTP 503" rather than a parser's complaint.
 */
final class TokenEndpointErrors implements ResponseErrorHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MOST = 16 * 1024;

    /** An OAuth error from the token endpoint, with the HTTP status it came with. */
    static final class Refused extends OAuth2AuthorizationException {
        private final int httpStatus;

        Refused(OAuth2Error error, int httpStatus) {
            super(error);
            this.httpStatus = httpStatus;
        }

        int httpStatus() {
            return httpStatus;
        }
    }

    @Override
    public boolean hasError(ClientHttpResponse response) throws IOException {
        return response.getStatusCode().isError();
    }

    @Override
    public void handleError(URI url, HttpMethod method, ClientHttpResponse response) throws IOException {
        handleError(response);
    }

    @Override
    public void handleError(ClientHttpResponse response) throws IOException {
        int status = response.getStatusCode().value();
        OAuth2Error error = null;
        try (InputStream body = response.getBody()) {
            JsonNode json = JSON.readTree(body.readNBytes(MOST));
            if (json != null && json.path("error").isTextual() && !json.path("error").asText().isBlank()) {
                error = new OAuth2Error(json.path("error").asText(),
                        json.path("error_description").isTextual() ? shorten(json.path("error_description").asText()) : null,
                        json.path("error_uri").isTextual() ? json.path("error_uri").asText() : null);
            }
        } catch (IOException | RuntimeException notJson) {
            // Not an OAuth error body: described by its status below.
        }
        if (error == null) {
            error = new OAuth2Error(EhrTokenUnavailableException.INVALID_TOKEN_RESPONSE,
                    "the token endpoint answered HTTP " + status + " without an OAuth error", null);
        }
        throw new Refused(error, status);
    }

    private static String shorten(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
