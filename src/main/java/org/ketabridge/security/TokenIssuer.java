package org.ketabridge.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Issues tokens signed by the {@link LocalSigningKey}: for the demo, a first run and the tests. */
public final class TokenIssuer {

    private final RSAKey key;

    public TokenIssuer(RSAKey key) {
        this.key = key;
    }

    public String issue(String subject, Role role, List<String> clinics, Instant now, Duration validFor) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(LocalSigningKey.ISSUER)
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(validFor)))
                .claim(Caller.ROLE_CLAIM, role.claim())
                .claim(Caller.CLINICS_CLAIM, clinics)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
