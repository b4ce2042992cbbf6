package org.ketabridge.console;

import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Signing in to the console with the organisation's OpenID Connect provider ({@code
 * bridge.console.oidc.*}): off until {@code issuer-uri} is set. The provider's endpoints come from
 * its discovery document; the client is confidential when a secret is named ({@code
 * client-secret-env} or {@code client-secret-file}, never in clear), public otherwise (PKCE either
 * way). Who the user is to the bridge comes from the ID token's (and userinfo's) claims: a role
 * claim and a clinics claim, or, with {@code groups-claim} set, groups named {@code
 * <group-prefix>role-<role>} and {@code <group-prefix>clinic-<clinic id>} ({@link ProviderClaims}).
 */
@ConfigurationProperties(prefix = "bridge.console.oidc")
public record ConsoleOidcProperties(
        URI issuerUri,
        String clientId,
        String clientSecretEnv,
        String clientSecretFile,
        @DefaultValue("your organisation") String providerName,
        @DefaultValue("openid") List<String> scopes,
        @DefaultValue("sub") String subjectClaim,
        @DefaultValue("ketabridge_role") String roleClaim,
        @DefaultValue("ketabridge_clinics") String clinicsClaim,
        String groupsClaim,
        @DefaultValue("ketabridge-") String groupPrefix) {

    static final String PREFIX = "bridge.console.oidc";

    /** Whether roles and clinics come from a groups claim rather than a role and a clinics claim. */
    boolean usesGroups() {
        return groupsClaim != null && !groupsClaim.isBlank();
    }
}
