package org.ketabridge.ehr.auth;

import java.time.Instant;

/**
 * Where a clinic's access tokens stand, for health and clinic IT (no token, no secret in it):
 * how the bridge authenticates, at which token endpoint (and whether it was configured or
 * discovered), with which key; whether the last attempt got a token ({@code ok}), failed
 * ({@code failing}, since when, with the OAuth error), or none was asked for yet ({@code not-yet}).
 */
public record TokenStatus(String clinicId, String method, String tokenUrl, String tokenUrlSource, String signingKid,
                          String state, String error, String description, int httpStatus, Instant failingSince,
                          Instant tokenExpiresAt) {

    public boolean failing() {
        return "failing".equals(state);
    }
}
