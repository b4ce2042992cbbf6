package org.ketabridge.security;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.autoconfigure.security.oauth2.resource.OAuth2ResourceServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;

/**
 * What every bearer token must be, on top of a good signature and being within its validity
 * (Spring's defaults), whichever decoder checks it: Spring Boot adds this validator to the decoder
 * it makes for an outside issuer, and the local-key decoder uses it too.
 * <ul>
 *   <li>{@code exp} present: Spring checks expiry only when the claim is there, so a token
 *       without one would be valid for ever;</li>
 *   <li>the issuer checked in every mode: the local one, or
 *       {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}. With only a JWK set or a public
 *       key configured, Spring checks no issuer, so the bridge refuses to start until the issuer
 *       is named (it is then compared with each token's {@code iss}, not fetched);</li>
 *   <li>the audience, when {@code spring.security.oauth2.resourceserver.jwt.audiences} is set: a
 *       token meant for another service of the same issuer is refused;</li>
 *   <li>locally issued tokens: {@code iat} present and a life of at most
 *       {@link TokenIssuer#MAX_LIFETIME}, whatever tool signed them;</li>
 *   <li>never a console sign-in link's token ({@link TokenIssuer#USE_CLAIM}): it opens a console
 *       session once, and is no bearer token.</li>
 * </ul>
 */
@Configuration
public class TokenChecks {

    @Bean
    public OAuth2TokenValidator<Jwt> bridgeTokenRules(OAuth2ResourceServerProperties properties) {
        OAuth2ResourceServerProperties.Jwt jwt = properties.getJwt();
        boolean outsideIssuer = jwt.getIssuerUri() != null || jwt.getJwkSetUri() != null || jwt.getPublicKeyLocation() != null;
        if (outsideIssuer && jwt.getIssuerUri() == null) {
            throw new IllegalStateException("Tokens are checked with a JWK set or public key but no issuer is named:"
                    + " set spring.security.oauth2.resourceserver.jwt.issuer-uri to the issuer your tokens carry in 'iss'"
                    + " (with jwk-set-uri also set, it is only compared, never fetched)");
        }
        List<OAuth2TokenValidator<Jwt>> rules = new ArrayList<>();
        rules.add(new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull));
        rules.add(new JwtIssuerValidator(outsideIssuer ? jwt.getIssuerUri() : LocalSigningKey.ISSUER));
        List<String> audiences = jwt.getAudiences();
        if (audiences != null && !audiences.isEmpty()) {
            rules.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                    aud -> aud != null && aud.stream().anyMatch(audiences::contains)));
        }
        if (!outsideIssuer) {
            rules.add(TokenChecks::livesNoLongerThanTheCap);
        }
        rules.add(TokenChecks::notASignInLink);
        return new DelegatingOAuth2TokenValidator<>(rules);
    }

    /**
     * A console sign-in link's token opens a session once; as a bearer token it would be a
     * second, unspent way in for as long as it lives, from wherever the link was seen.
     */
    private static OAuth2TokenValidatorResult notASignInLink(Jwt token) {
        if (!TokenIssuer.SIGN_IN_USE.equals(token.getClaimAsString(TokenIssuer.USE_CLAIM))) {
            return OAuth2TokenValidatorResult.success();
        }
        return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
                "A console sign-in link's token is not a bearer token", null));
    }

    private static OAuth2TokenValidatorResult livesNoLongerThanTheCap(Jwt token) {
        Instant issued = token.getIssuedAt();
        Instant expires = token.getExpiresAt();
        if (issued != null && expires != null && Duration.between(issued, expires).compareTo(TokenIssuer.MAX_LIFETIME) <= 0) {
            return OAuth2TokenValidatorResult.success();
        }
        return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
                "A locally issued token must carry iat and live at most " + TokenIssuer.MAX_LIFETIME.toHours() + " h", null));
    }
}
