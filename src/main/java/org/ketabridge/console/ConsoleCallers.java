package org.ketabridge.console;

import java.util.List;
import java.util.Optional;
import org.ketabridge.security.Caller;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * The seam between how a console user signed in and who they are to the bridge: a {@link Caller}
 * (role and clinics, as the API knows them), kept in their session as a {@link Caller.SignedIn}.
 * A sign-in link's token makes one, and so does the organisation's OpenID Connect provider (its
 * claims mapped to a role and clinics by {@link ProviderClaims}, {@link ConsoleOidcLogin}): the
 * same principal either way, so that no page and no scope check knows how its user came in.
 */
@Component
public class ConsoleCallers {

    /** The session's authentication for a caller vouched for by {@code issuer}. */
    public Authentication signedIn(Caller caller, String issuer) {
        return UsernamePasswordAuthenticationToken.authenticated(new Caller.SignedIn(caller, issuer), null,
                List.of(new SimpleGrantedAuthority("ROLE_" + caller.role().claim())));
    }

    /**
     * The session's authentication for a caller the OpenID Connect provider signed in, holding the
     * ID token for signing out there too ({@link ProviderSignOut}).
     */
    Authentication signedInAtProvider(Caller caller, String issuer, String idToken) {
        UsernamePasswordAuthenticationToken authentication = (UsernamePasswordAuthenticationToken) signedIn(caller, issuer);
        authentication.setDetails(new ProviderSignOut.SignedInAtProvider(idToken));
        return authentication;
    }

    /** Who the console's user is, if they signed in. */
    public Optional<Caller> of(Authentication authentication) {
        return Caller.of(authentication);
    }
}
