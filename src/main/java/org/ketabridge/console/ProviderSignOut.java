package org.ketabridge.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.authentication.logout.LogoutSuccessHandler;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Signing out of the console also at the OpenID Connect provider (RP-initiated logout, OpenID
 * Connect RP-Initiated Logout 1.0), for a user who signed in there: after the console's session is
 * ended, the browser goes to the provider's {@code end_session_endpoint} with the ID token as
 * {@code id_token_hint}, the client id, and {@code post_logout_redirect_uri} = the console's
 * signed-out page (register it at the provider). Without that, the next "Sign in with" on a shared
 * clinic computer would let the same person in again without a password.
 *
 * <p>Spring Security's own handler needs the provider's user as the session's principal; the
 * console keeps a {@code Caller.SignedIn} there instead ({@link ConsoleCallers}), with the ID token
 * in the authentication's details ({@link SignedInAtProvider}), read here because the session is
 * gone by the time this runs. A user who signed in by link, or a provider that publishes no
 * {@code end_session_endpoint}, goes to the signed-out page as before.
 */
final class ProviderSignOut implements LogoutSuccessHandler {

    /** The authentication's details of a user the provider signed in: the ID token to hint with. */
    record SignedInAtProvider(String idToken) implements Serializable {

        @Override
        public String toString() {
            return "SignedInAtProvider[idToken not shown]"; // never a token in a log line
        }
    }

    static final String END_SESSION = "end_session_endpoint";

    private final ClientRegistrationRepository registrations;

    ProviderSignOut(ClientRegistrationRepository registrations) {
        this.registrations = registrations;
    }

    @Override
    public void onLogoutSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        String signedOut = ServletUriComponentsBuilder.fromContextPath(request).path(ConsoleSecurity.SIGNED_OUT).toUriString();
        response.sendRedirect(atProvider(authentication, signedOut).orElse(request.getContextPath() + ConsoleSecurity.SIGNED_OUT));
    }

    /** The provider's end-session address for this user, or empty when they did not sign in there or it has none. */
    private Optional<String> atProvider(Authentication authentication, String signedOut) {
        if (authentication == null || !(authentication.getDetails() instanceof SignedInAtProvider signedIn)) {
            return Optional.empty();
        }
        ClientRegistration registration = registrations.findByRegistrationId(ProviderRegistration.ID);
        Object endSession = registration == null ? null
                : registration.getProviderDetails().getConfigurationMetadata().get(END_SESSION);
        if (endSession == null) {
            return Optional.empty();
        }
        return Optional.of(UriComponentsBuilder.fromUri(URI.create(endSession.toString()))
                .queryParam("id_token_hint", signedIn.idToken())
                .queryParam("client_id", registration.getClientId())
                .queryParam("post_logout_redirect_uri", signedOut)
                .encode().build().toUriString());
    }
}
