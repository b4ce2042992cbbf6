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

/**
 * Issues tokens signed by the {@link LocalSigningKey}: for the demo, a first run and the tests.
 * A token lives at most {@link #MAX_LIFETIME}: whoever holds one can read patient data or send
 * records until it expires, and a local token cannot be revoked (the bridge refuses longer-lived
 * local tokens too, {@link TokenChecks}).
 */
public final class TokenIssuer {

    public static final Duration MAX_LIFETIME = Duration.ofHours(24);

    /**
     * A console sign-in link's token lives this long at most: it travels in a URL (a terminal, a
     * chat, a browser's history), so it must be spent or dead soon. Spent once, it is refused.
     */
    public static final Duration SIGN_IN_LIFETIME = Duration.ofMinutes(10);

    /** The claim that makes a token a console sign-in link's (value {@link #SIGN_IN_USE}): never a bearer token. */
    public static final String USE_CLAIM = "kb_use";
    public static final String SIGN_IN_USE = "console-sign-in";

    private final RSAKey key;

    public TokenIssuer(RSAKey key) {
        this.key = key;
    }

    public String issue(String subject, Role role, List<String> clinics, Instant now, Duration validFor) {
        return issue(subject, role, clinics, List.of(), now, validFor);
    }

    /** @param audiences the token's {@code aud} (what spring.security.oauth2.resourceserver.jwt.audiences expects), or none */
    public String issue(String subject, Role role, List<String> clinics, List<String> audiences, Instant now, Duration validFor) {
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("a token lives more than 0 and at most " + MAX_LIFETIME.toHours() + " hours");
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(LocalSigningKey.ISSUER)
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(validFor)))
                .claim(Caller.ROLE_CLAIM, role.claim())
                .claim(Caller.CLINICS_CLAIM, clinics);
        if (!audiences.isEmpty()) {
            claims.audience(audiences);
        }
        return sign(claims.build());
    }

    /**
     * A console sign-in link's token: the same role and clinics as a bearer token, a {@code jti}
     * the console accepts once, {@link #SIGN_IN_LIFETIME} at most, and {@link #USE_CLAIM} so that
     * neither kind of token is taken for the other.
     */
    public String issueSignIn(String subject, Role role, List<String> clinics, String jti, Instant now, Duration validFor) {
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(SIGN_IN_LIFETIME) > 0) {
            throw new IllegalArgumentException("a sign-in link lives more than 0 and at most " + SIGN_IN_LIFETIME.toMinutes() + " minutes");
        }
        return sign(new JWTClaimsSet.Builder()
                .issuer(LocalSigningKey.ISSUER)
                .subject(subject)
                .jwtID(jti)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(validFor)))
                .claim(Caller.ROLE_CLAIM, role.claim())
                .claim(Caller.CLINICS_CLAIM, clinics)
                .claim(USE_CLAIM, SIGN_IN_USE)
                .build());
    }

    private String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
