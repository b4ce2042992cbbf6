package org.ketabridge.console;

import com.nimbusds.jose.JOSEException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.db.UsedSignInTokens;
import org.ketabridge.security.Caller;
import org.ketabridge.security.LocalSigningKey;
import org.ketabridge.security.TokenIssuer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;

/**
 * The console's sign-in links ({@code issue-token --console}): a token signed by the local key,
 * marked as a sign-in link's, living at most {@link TokenIssuer#SIGN_IN_LIFETIME}, with a
 * {@code jti} spent on first use ({@link UsedSignInTokens}). Only where the bridge trusts the
 * local key (no outside issuer configured: the demo, a fresh clone); with an issuer, users will
 * sign in with the organisation's OpenID Connect provider (a later step).
 */
@Component
@ConditionalOnProperty(
        prefix = "spring.security.oauth2.resourceserver.jwt", name = {"issuer-uri", "jwk-set-uri", "public-key-location"},
        matchIfMissing = true, havingValue = "__never__")
public class SignInLinks {

    private final NimbusJwtDecoder decoder;
    private final UsedSignInTokens used;
    private final Clock clock;

    public SignInLinks(BridgeProperties properties, UsedSignInTokens used, Clock clock) throws JOSEException {
        this.used = used;
        this.clock = clock;
        var key = LocalSigningKey.loadOrCreate(properties.getSecurity().getLocalKeyDir());
        decoder = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        JwtTimestampValidator inTime = new JwtTimestampValidator(Duration.ZERO);
        inTime.setClock(clock);
        OAuth2TokenValidator<Jwt> rules = new DelegatingOAuth2TokenValidator<>(
                inTime,
                new JwtIssuerValidator(LocalSigningKey.ISSUER),
                new JwtClaimValidator<String>(TokenIssuer.USE_CLAIM, TokenIssuer.SIGN_IN_USE::equals),
                new JwtClaimValidator<String>("jti", jti -> jti != null && !jti.isBlank() && jti.length() <= 64),
                SignInLinks::livesNoLongerThanALink);
        decoder.setJwtValidator(rules);
    }

    /** Whatever signed it, a link that lives longer than a sign-in link may is refused, not shortened. */
    private static OAuth2TokenValidatorResult livesNoLongerThanALink(Jwt token) {
        boolean shortLived = token.getIssuedAt() != null && token.getExpiresAt() != null
                && Duration.between(token.getIssuedAt(), token.getExpiresAt()).compareTo(TokenIssuer.SIGN_IN_LIFETIME) <= 0;
        return shortLived ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "a sign-in link lives longer than allowed", null));
    }

    /**
     * The caller a link signs in, the first time it is followed within its lifetime; empty for a
     * link that is forged, expired, already used, not a sign-in link, or names no known role.
     */
    public Optional<Caller> spend(String token) {
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (JwtException refused) {
            return Optional.empty();
        }
        Optional<Caller> caller = Caller.fromToken(jwt);
        if (caller.isEmpty() || !used.spend(jwt.getId(), jwt.getExpiresAt(), clock.instant())) {
            return Optional.empty();
        }
        return caller;
    }
}
