package org.ketabridge.console;

import org.ketabridge.security.Caller;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * The user the provider vouched for (its ID token checked by Spring Security: signature, issuer,
 * audience, expiry, nonce), with the {@link Caller} their claims make. A user whose claims make
 * no caller is refused here, inside the login, so that they are never signed in, not even for a
 * moment, as anyone.
 */
final class ConsoleOidcUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OidcUserService provider = new OidcUserService();
    private final ProviderClaims claims;

    ConsoleOidcUsers(ProviderClaims claims) {
        this.claims = claims;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = provider.loadUser(request);
        ProviderClaims.Mapped mapped = claims.callerOf(user.getClaims());
        if (mapped.caller() == null) {
            throw new OAuth2AuthenticationException(new OAuth2Error(mapped.refusal().code()));
        }
        return new WithCaller(user, mapped.caller());
    }

    /** The provider's user and who they are to the bridge, until the sign-in replaces it by a {@link Caller.SignedIn}. */
    static final class WithCaller extends DefaultOidcUser {

        private final Caller caller;

        WithCaller(OidcUser user, Caller caller) {
            super(user.getAuthorities(), user.getIdToken(), user.getUserInfo());
            this.caller = caller;
        }

        Caller caller() {
            return caller;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof WithCaller that && super.equals(that) && caller.equals(that.caller);
        }

        @Override
        public int hashCode() {
            return 31 * super.hashCode() + caller.hashCode();
        }
    }
}
