package org.ketabridge.console;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ketabridge.security.Caller;
import org.ketabridge.security.Role;

/**
 * Who a user the OpenID Connect provider vouches for is to the bridge: the same {@link Caller}
 * (one role, its clinics) as a bearer token's, read from the ID token's and userinfo's claims
 * with the names {@link ConsoleOidcProperties} gives. Anything unclear is a refusal, never a
 * guess: no known role, several roles, or no clinic for a role that only sees its clinics
 * (clinic IT, auditors). Pure: claims in, a caller or the reason out.
 */
final class ProviderClaims {

    /** Why a signed-in user is not let in; the words are the OAuth2 error codes the refusal carries. */
    enum Refusal {
        NO_ROLE("ketabridge_no_role"),
        SEVERAL_ROLES("ketabridge_several_roles"),
        NO_CLINIC("ketabridge_no_clinic");

        private final String code;

        Refusal(String code) {
            this.code = code;
        }

        String code() {
            return code;
        }

        static boolean isOne(String code) {
            return List.of(values()).stream().anyMatch(r -> r.code.equals(code));
        }
    }

    /** A caller, or why not. */
    record Mapped(Caller caller, Refusal refusal) {
    }

    private static final String ROLE_GROUP = "role-";
    private static final String CLINIC_GROUP = "clinic-";
    private static final String SUBJECT = "sub";

    private final ConsoleOidcProperties settings;

    ProviderClaims(ConsoleOidcProperties settings) {
        this.settings = settings;
    }

    Mapped callerOf(Map<String, Object> claims) {
        Set<String> roleWords = settings.usesGroups() ? groupsAfter(claims, ROLE_GROUP) : strings(claims.get(settings.roleClaim()));
        Set<String> clinics = settings.usesGroups() ? groupsAfter(claims, CLINIC_GROUP) : strings(claims.get(settings.clinicsClaim()));
        Set<Role> roles = roleWords.stream().map(Role::ofClaim).flatMap(Optional::stream).collect(Collectors.toSet());
        if (roles.isEmpty()) {
            return new Mapped(null, Refusal.NO_ROLE);
        }
        if (roles.size() > 1) {
            return new Mapped(null, Refusal.SEVERAL_ROLES);
        }
        Role role = roles.iterator().next();
        if ((role == Role.CLINIC_IT || role == Role.AUDITOR) && clinics.isEmpty()) {
            return new Mapped(null, Refusal.NO_CLINIC);
        }
        return new Mapped(new Caller(subjectOf(claims), role, clinics), null);
    }

    /** The configured subject claim, else {@code sub}, which every ID token carries. */
    private String subjectOf(Map<String, Object> claims) {
        Object named = claims.get(settings.subjectClaim());
        return named instanceof String s && !s.isBlank() ? s : String.valueOf(claims.get(SUBJECT));
    }

    private Set<String> groupsAfter(Map<String, Object> claims, String kind) {
        String prefix = settings.groupPrefix() + kind;
        return strings(claims.get(settings.groupsClaim())).stream()
                .filter(g -> g.startsWith(prefix) && g.length() > prefix.length())
                .map(g -> g.substring(prefix.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A claim as a set of words: a JSON array of strings, or one string (a single value). */
    private static Set<String> strings(Object claim) {
        Set<String> words = new TreeSet<>();
        if (claim instanceof String s && !s.isBlank()) {
            words.add(s.strip());
        } else if (claim instanceof Collection<?> values) {
            values.stream().filter(v -> v instanceof String s && !s.isBlank()).map(v -> ((String) v).strip()).forEach(words::add);
        }
        return words;
    }
}
