package org.ketabridge.ehr.auth;

import java.util.Optional;

/**
 * The one place a request to a clinic's EHR gets its {@code Authorization} header from: fixed
 * for basic and bearer, an access token for smart-backend and client-secret (got from the EHR's
 * token endpoint, kept until shortly before it expires).
 */
public interface EhrAuthorization {

    /**
     * The header value for the next request, if the EHR needs one.
     *
     * @throws EhrTokenUnavailableException when an access token was needed and could not be had
     */
    Optional<String> header();

    /**
     * The EHR answered 401 to a request sent with {@code rejected}: that token is dropped.
     * Returns whether a new one can be asked for (so the request is worth sending once more);
     * false for a fixed header.
     */
    boolean rejected(String rejected);

    static EhrAuthorization fixed(Optional<String> header) {
        return new EhrAuthorization() {
            @Override
            public Optional<String> header() {
                return header;
            }

            @Override
            public boolean rejected(String rejected) {
                return false;
            }
        };
    }
}
