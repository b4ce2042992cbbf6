package org.ketabridge.ehr.auth;

/**
 * No access token could be had for a clinic's EHR: its token endpoint refused the bridge
 * ({@code error} is then the OAuth error code it answered, such as {@code invalid_client}), could
 * not be reached, or could not be found. Says nothing about a record: the clinic's sync is held
 * as when the EHR refuses the bridge's credentials. The message names no secret.
 */
public class EhrTokenUnavailableException extends RuntimeException {

    /** The token endpoint could not be reached (connection refused, timeout, DNS). */
    public static final String UNREACHABLE = "token_endpoint_unreachable";
    /** The token URL could not be discovered from the EHR's .well-known/smart-configuration. */
    public static final String DISCOVERY_FAILED = "smart_configuration_unavailable";
    /** The token endpoint answered, but not with a token or an OAuth error (Spring Security's code). */
    public static final String INVALID_TOKEN_RESPONSE = "invalid_token_response";

    private final String error;
    private final String description;
    private final int httpStatus;

    public EhrTokenUnavailableException(String error, String description, int httpStatus) {
        super(error + (description == null ? "" : ": " + description));
        this.error = error;
        this.description = description;
        this.httpStatus = httpStatus;
    }

    /** The OAuth error code the token endpoint answered, or one of this class's codes. */
    public String error() {
        return error;
    }

    public String description() {
        return description;
    }

    /** The token endpoint's HTTP status, or 0 when it did not answer. */
    public int httpStatus() {
        return httpStatus;
    }
}
