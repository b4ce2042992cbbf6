package org.ketabridge.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.AccessAuditLog;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * What a bearer token must be, whichever way its signature is checked (the local key, an outside
 * issuer's JWK set): it expires ({@code exp} required), it was issued by the issuer the bridge
 * trusts (checked in every mode), it is meant for this bridge when an audience is configured
 * ({@code spring.security.oauth2.resourceserver.jwt.audiences}), and a locally issued one lives
 * no longer than {@link TokenIssuer#MAX_LIFETIME}. A token the decoder refuses is a 401.
 */
class TokenChecksTest {

    private static final Path LOCAL_KEYS = Path.of("target/token-checks-keys");
    private static final String OUTSIDE_ISSUER = "https://idp.example.org/realms/clinics";
    private static final RSAKey OUTSIDE_KEY = generate();
    private static final WireMockServer IDP = new WireMockServer(wireMockConfig().dynamicPort());

    @BeforeAll
    static void serveJwkSet() {
        IDP.start();
        IDP.stubFor(get(urlPathEqualTo("/jwks")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(new JWKSet(OUTSIDE_KEY.toPublicJWK()).toString())));
    }

    @AfterAll
    static void stop() {
        IDP.stop();
    }

    private static WebApplicationContextRunner bridge(String... properties) {
        BridgeProperties bridge = new BridgeProperties();
        bridge.getSecurity().setLocalKeyDir(LOCAL_KEYS);
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class,
                        SecurityAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class))
                .withUserConfiguration(SecurityConfig.class)
                .withBean(ObjectMapper.class, ObjectMapper::new)
                .withBean(AccessAuditLog.class, () -> mock(AccessAuditLog.class))
                .withBean(ClinicRegistry.class, () -> mock(ClinicRegistry.class))
                .withBean(Clock.class, Clock::systemUTC)
                .withBean(BridgeProperties.class, () -> bridge)
                .withPropertyValues(properties);
    }

    private static String jwkSetUri() {
        return "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + IDP.baseUrl() + "/jwks";
    }

    @Test
    void aLocalTokenWithoutExpiryIsRefused() {
        RSAKey local = LocalSigningKey.loadOrCreate(LOCAL_KEYS);
        bridge().run(context -> {
            JwtDecoder decoder = context.getBean(JwtDecoder.class);
            assertThatCode(() -> decoder.decode(sign(local, LocalSigningKey.ISSUER, c -> { }))).doesNotThrowAnyException();
            assertThatThrownBy(() -> decoder.decode(sign(local, LocalSigningKey.ISSUER, c -> c.expirationTime(null))))
                    .as("no exp: valid for ever").isInstanceOf(JwtException.class);
        });
    }

    @Test
    void aLocalTokenLivingLongerThanTheCapIsRefused() {
        RSAKey local = LocalSigningKey.loadOrCreate(LOCAL_KEYS);
        Instant now = Instant.now();
        bridge().run(context -> assertThatThrownBy(() -> context.getBean(JwtDecoder.class).decode(sign(local, LocalSigningKey.ISSUER,
                c -> c.issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofDays(365)))))))
                .isInstanceOf(JwtException.class));
    }

    @Test
    void aConfiguredAudienceIsRequiredOfLocalTokens() {
        RSAKey local = LocalSigningKey.loadOrCreate(LOCAL_KEYS);
        bridge("spring.security.oauth2.resourceserver.jwt.audiences=ketabridge-north").run(context -> {
            JwtDecoder decoder = context.getBean(JwtDecoder.class);
            assertThatCode(() -> decoder.decode(sign(local, LocalSigningKey.ISSUER, c -> c.audience("ketabridge-north"))))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> decoder.decode(sign(local, LocalSigningKey.ISSUER, c -> c.audience("another-service"))))
                    .isInstanceOf(JwtException.class);
            assertThatThrownBy(() -> decoder.decode(sign(local, LocalSigningKey.ISSUER, c -> { })))
                    .as("no aud").isInstanceOf(JwtException.class);
        });
    }

    @Test
    void withAJwkSetTheIssuerExpiryAndAudienceAreChecked() {
        bridge(jwkSetUri(), "spring.security.oauth2.resourceserver.jwt.issuer-uri=" + OUTSIDE_ISSUER,
                "spring.security.oauth2.resourceserver.jwt.audiences=ketabridge").run(context -> {
            JwtDecoder decoder = context.getBean(JwtDecoder.class);
            assertThatCode(() -> decoder.decode(sign(OUTSIDE_KEY, OUTSIDE_ISSUER, c -> c.audience("ketabridge"))))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> decoder.decode(sign(OUTSIDE_KEY, "https://other.example.org", c -> c.audience("ketabridge"))))
                    .as("another issuer").isInstanceOf(JwtException.class);
            assertThatThrownBy(() -> decoder.decode(sign(OUTSIDE_KEY, OUTSIDE_ISSUER, c -> c.audience("another-service"))))
                    .as("another audience").isInstanceOf(JwtException.class);
            assertThatThrownBy(() -> decoder.decode(sign(OUTSIDE_KEY, OUTSIDE_ISSUER, c -> c.audience("ketabridge").expirationTime(null))))
                    .as("no exp").isInstanceOf(JwtException.class);
        });
    }

    @Test
    void aJwkSetAloneNamesNoIssuerToCheckSoTheBridgeDoesNotStart() {
        // Before: the bridge started and took a token from any issuer the JWK set's keys had signed.
        bridge(jwkSetUri()).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("issuer-uri");
        });
    }

    @Test
    void issueTokenRefusesALifetimeAboveTheCap() {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = IssueTokenCommand.run(new String[] {"--role=auditor", "--clinics=north", "--hours=720",
                    "--key-dir=" + LOCAL_KEYS});
        } finally {
            System.setOut(out);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(printed.toString(StandardCharsets.UTF_8)).as("no token printed").isBlank();
    }

    private static String sign(RSAKey key, String issuer, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject("someone")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .claim(Caller.ROLE_CLAIM, "auditor").claim(Caller.CLINICS_CLAIM, List.of("north"));
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("idp-key").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
