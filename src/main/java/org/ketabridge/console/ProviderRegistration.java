package org.ketabridge.console;

import java.util.LinkedHashSet;
import java.util.Set;
import org.ketabridge.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcScopes;

/**
 * The console's one client registration at the organisation's OpenID Connect provider, made from
 * the provider's discovery document on first use rather than at start-up: the bridge starts (and
 * moves records) while the provider is down, and a failed discovery is tried again at the next
 * sign-in. Not a Spring bean, so Spring Boot's OAuth2 client configuration (and the EHRs' own
 * client registrations, ehr/auth) never sees it.
 */
final class ProviderRegistration implements ClientRegistrationRepository {

    static final String ID = "console";
    static final String CALLBACK_BASE = "/console/login/oauth2/code/";

    private static final Logger log = LoggerFactory.getLogger(ProviderRegistration.class);

    private final ConsoleOidcProperties settings;
    private final String clientSecret;
    private volatile ClientRegistration registration;

    ProviderRegistration(ConsoleOidcProperties settings, Secrets secrets) {
        if (settings.clientId() == null || settings.clientId().isBlank()) {
            throw new IllegalStateException(ConsoleOidcProperties.PREFIX + ".client-id is required with "
                    + ConsoleOidcProperties.PREFIX + ".issuer-uri");
        }
        this.settings = settings;
        boolean secretNamed = settings.clientSecretEnv() != null || settings.clientSecretFile() != null;
        this.clientSecret = !secretNamed ? null : secrets.read(settings.clientSecretEnv(), settings.clientSecretFile(),
                ConsoleOidcProperties.PREFIX + ".client-secret-env", ConsoleOidcProperties.PREFIX + ".client-secret-file",
                (property, reason) -> {
                    throw new IllegalStateException(property + ": " + reason);
                });
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!ID.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = registration;
        if (known == null) {
            synchronized (this) {
                if (registration == null) {
                    registration = discover();
                }
                known = registration;
            }
        }
        return known;
    }

    private ClientRegistration discover() {
        Set<String> scopes = new LinkedHashSet<>();
        scopes.add(OidcScopes.OPENID);
        scopes.addAll(settings.scopes());
        try {
            ClientRegistration.Builder builder = ClientRegistrations.fromOidcIssuerLocation(settings.issuerUri().toString())
                    .registrationId(ID)
                    .clientName(settings.providerName())
                    .clientId(settings.clientId())
                    .scope(scopes)
                    .redirectUri("{baseUrl}" + CALLBACK_BASE + "{registrationId}")
                    .userNameAttributeName(IdTokenClaimNames.SUB);
            if (clientSecret == null) {
                builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
            } else {
                builder.clientSecret(clientSecret).clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
            }
            return builder.build();
        } catch (RuntimeException e) {
            // The kind only: the message may quote the provider's answer.
            log.warn("The console's OpenID Connect provider could not be discovered at {}: {}", settings.issuerUri(),
                    e.getClass().getSimpleName());
            throw e;
        }
    }
}
