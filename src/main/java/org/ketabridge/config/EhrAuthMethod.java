package org.ketabridge.config;

/** How the bridge proves itself to a clinic's EHR ({@code ehr.auth}). */
public enum EhrAuthMethod {
    NONE,
    /** HTTP Basic with a username and a password from a file or the environment. */
    BASIC,
    /** A fixed bearer token from a file or the environment. */
    BEARER,
    /** OAuth2 client_credentials with a signed client assertion (SMART Backend Services, private_key_jwt). */
    SMART_BACKEND,
    /** OAuth2 client_credentials with a client secret (client_secret_basic or client_secret_post). */
    CLIENT_SECRET;

    /** Whether requests carry an access token the bridge gets from a token endpoint (and renews). */
    public boolean usesTokens() {
        return this == SMART_BACKEND || this == CLIENT_SECRET;
    }
}
