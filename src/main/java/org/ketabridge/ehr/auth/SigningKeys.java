package org.ketabridge.ehr.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.List;
import java.util.Map;
import org.ketabridge.config.ClinicRegistry;
import org.springframework.stereotype.Component;

/**
 * The keys the bridge signs its client assertions with (SMART Backend Services), shared
 * ({@code bridge.ehr-keys}) and per clinic ({@code ehr.keys}), read and checked at start-up by
 * the clinic registry. Each clinic signs with the one key marked {@code signing}; every key is
 * published, so that EHRs know a new key before it signs and an old one while they still cache it.
 */
@Component
public class SigningKeys {

    private final List<JWK> keys;

    public SigningKeys(ClinicRegistry clinics) {
        this.keys = clinics.ehrKeys();
    }

    /** Every configured key's public part, one per kid: never a private part. */
    public JWKSet publicKeys() {
        return new JWKSet(keys.stream().map(JWK::toPublicJWK).toList());
    }

    /** The JWK Set document: {@code {"keys": [...]}}, public parts only. */
    public Map<String, Object> publicJwkSet() {
        return publicKeys().toJSONObject(true);
    }
}
