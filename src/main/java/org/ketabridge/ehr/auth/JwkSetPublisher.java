package org.ketabridge.ehr.auth;

import org.apache.camel.Exchange;
import org.ketabridge.web.JsonResponses;
import org.springframework.stereotype.Component;

/**
 * {@code GET /.well-known/jwks.json} (routes/jwks.yaml): the bridge's public keys as a JWK Set,
 * the URL an EHR (Epic, for one) is given to check the bridge's client assertions. Needs no
 * token; holds no private part. EHRs cache it: five minutes here.
 */
@Component("jwkSetPublisher")
public class JwkSetPublisher {

    private final SigningKeys keys;
    private final JsonResponses responses;

    public JwkSetPublisher(SigningKeys keys, JsonResponses responses) {
        this.keys = keys;
        this.responses = responses;
    }

    public void publish(Exchange exchange) {
        responses.write(exchange, 200, "application/json", keys.publicJwkSet());
        exchange.getMessage().setHeader("Cache-Control", "public, max-age=300");
    }
}
