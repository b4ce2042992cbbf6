package org.ketabridge.security;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who is calling, as their bearer token says: a subject, a role, and the clinics the token covers
 * (an admin covers every clinic, whatever the token lists). The console's signed-in user is one
 * too ({@link SignedIn}), kept in their session.
 */
public record Caller(String subject, Role role, Set<String> clinics) implements Serializable {

    public static final String ROLE_CLAIM = "role";
    public static final String CLINICS_CLAIM = "clinics";

    public boolean covers(String clinicId) {
        return role == Role.ADMIN || clinics.contains(clinicId);
    }

    /**
     * Whether this caller may see and run a clinic's records (sync state, receipts, dead letters
     * and replay, the EHR check): clinic IT of that clinic, or an admin. The one rule for the API
     * and the console.
     */
    public boolean runs(String clinicId) {
        return (role == Role.CLINIC_IT || role == Role.ADMIN) && covers(clinicId);
    }

    /** The caller of the request this thread serves, if it presented a valid token. */
    public static Optional<Caller> current() {
        return of(SecurityContextHolder.getContext().getAuthentication());
    }

    public static Optional<Caller> of(Authentication authentication) {
        if (authentication != null && authentication.getPrincipal() instanceof SignedIn signedIn) {
            return Optional.of(signedIn.caller());
        }
        if (authentication == null || !(authentication.getPrincipal() instanceof Jwt jwt)) {
            return Optional.empty();
        }
        return fromToken(jwt);
    }

    /**
     * The principal of a console session: the caller, and the issuer that vouched for them (the
     * local key's, or later the organisation's OpenID Connect provider). However a user signs in,
     * their session holds one of these, so everything after sign-in reads one kind of principal.
     */
    public record SignedIn(Caller caller, String issuer) implements Serializable {
    }

    /** A token without a known role is no caller at all: it grants nothing. */
    public static Optional<Caller> fromToken(Jwt jwt) {
        Optional<Role> role = Role.ofClaim(jwt.getClaimAsString(ROLE_CLAIM));
        if (role.isEmpty()) {
            return Optional.empty();
        }
        List<String> clinics = jwt.hasClaim(CLINICS_CLAIM) ? jwt.getClaimAsStringList(CLINICS_CLAIM) : List.of();
        return Optional.of(new Caller(jwt.getSubject(), role.get(), new TreeSet<>(clinics == null ? List.of() : clinics)));
    }
}
