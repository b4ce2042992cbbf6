package org.ketabridge.config;

import com.nimbusds.jose.jwk.JWK;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How the bridge gets an access token for a clinic's EHR (issue 13): checked, typed, never
 * printed with its secrets. For {@link EhrAuthMethod#SMART_BACKEND} the client id, the scopes and
 * the key that signs the client assertion; for {@link EhrAuthMethod#CLIENT_SECRET} the client id,
 * the secret and how it is sent. {@code tokenUrl} is null when it is to be discovered from the
 * EHR's {@code .well-known/smart-configuration}. For none, basic and bearer only {@code method}
 * is set (the header is {@link EhrConnection#authorizationHeader()}).
 */
public record EhrAuth(
        EhrAuthMethod method,
        String clientId,
        URI tokenUrl,
        List<String> scopes,
        String clientSecret,
        ClientSecretMethod clientSecretMethod,
        JWK signingKey,
        Duration renewBefore) {

    /** How a client secret reaches the token endpoint. */
    public enum ClientSecretMethod {
        /** {@code client_secret_basic}: HTTP Basic with the client id and secret. */
        BASIC,
        /** {@code client_secret_post}: {@code client_id} and {@code client_secret} in the form body. */
        POST
    }

    public static EhrAuth of(EhrAuthMethod method) {
        return new EhrAuth(method, null, null, List.of(), null, null, null, Duration.ZERO);
    }

    public boolean usesTokens() {
        return method.usesTokens();
    }

    @Override
    public String toString() {
        // Never the secret, never the key.
        return "EhrAuth[" + method + (clientId == null ? "" : " client " + clientId)
                + (signingKey == null ? "" : " kid " + signingKey.getKeyID()) + "]";
    }
}
