package org.ketabridge.config;

import com.nimbusds.jose.jwk.JWK;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Checks a clinic's token settings (issue 13: {@code ehr.auth} smart-backend or client-secret)
 * for {@link ClinicRegistry}, reporting each problem by property, and builds its {@link EhrAuth}.
 * none, basic and bearer are ClinicRegistry's own (they become a fixed header).
 */
final class EhrAuthCheck {

    /** Reads a secret from the environment variable or the file the operator named. */
    interface Secrets {
        String read(String envName, String file, String envProperty, String fileProperty);
    }

    private final BiConsumer<String, String> problem;
    private final Secrets secrets;
    private final EhrKeyRing keys;
    private final SharedKeys shared;
    private final String where;

    /** {@code bridge.ehr-keys}: whether any are configured, and the one that signs (null when none can). */
    record SharedKeys(boolean configured, JWK signing) {
    }

    EhrAuthCheck(BiConsumer<String, String> problem, Secrets secrets, EhrKeyRing keys, SharedKeys shared, String where) {
        this.problem = problem;
        this.secrets = secrets;
        this.keys = keys;
        this.shared = shared;
        this.where = where;
    }

    static EhrAuthMethod method(String auth) {
        String a = auth == null ? "none" : auth.trim().toLowerCase(Locale.ROOT);
        return switch (a) {
            case "basic" -> EhrAuthMethod.BASIC;
            case "bearer" -> EhrAuthMethod.BEARER;
            case "smart-backend" -> EhrAuthMethod.SMART_BACKEND;
            case "client-secret" -> EhrAuthMethod.CLIENT_SECRET;
            default -> EhrAuthMethod.NONE; // unknown ones are reported by ClinicRegistry
        };
    }

    EhrAuth check(EhrProperties e) {
        EhrAuthMethod method = method(e.getAuth());
        if (!method.usesTokens()) {
            if (!e.getKeys().isEmpty()) {
                // Published all the same, and checked: a broken key file is a mistake whatever the auth.
                keys.load(e.getKeys(), "ehr.keys", where, problem);
            }
            return EhrAuth.of(method);
        }
        String auth = method == EhrAuthMethod.SMART_BACKEND ? "smart-backend" : "client-secret";
        String clientId = e.getClientId() == null ? null : e.getClientId().trim();
        if (clientId == null || clientId.isEmpty()) {
            problem.accept("ehr.client-id", "required when ehr.auth is " + auth + " (the client id the EHR registered for the bridge)");
        }
        URI tokenUrl = tokenUrl(e.getTokenUrl());
        List<String> scopes = scopes(e.getScopes());
        if (e.getTokenRenewBefore() == null || e.getTokenRenewBefore().isNegative()) {
            problem.accept("ehr.token-renew-before", "must be 0 or more");
        }
        if (method == EhrAuthMethod.SMART_BACKEND) {
            if (scopes.isEmpty()) {
                problem.accept("ehr.scopes", "required when ehr.auth is smart-backend, e.g. system/Patient.read system/Observation.write");
            }
            for (String scope : scopes) {
                if (!scope.startsWith("system/")) {
                    problem.accept("ehr.scopes", "'" + scope + "' is not a system/ scope (SMART Backend Services asks for system/... scopes)");
                }
            }
            JWK signing = signingKey(e);
            return new EhrAuth(method, clientId, tokenUrl, scopes, null, null, signing, e.getTokenRenewBefore());
        }
        String secret = secrets.read(e.getClientSecretEnv(), e.getClientSecretFile(), "ehr.client-secret-env", "ehr.client-secret-file");
        EhrAuth.ClientSecretMethod how = null;
        String clientAuth = e.getClientAuth() == null ? "basic" : e.getClientAuth().trim().toLowerCase(Locale.ROOT);
        switch (clientAuth) {
            case "basic" -> how = EhrAuth.ClientSecretMethod.BASIC;
            case "post" -> how = EhrAuth.ClientSecretMethod.POST;
            default -> problem.accept("ehr.client-auth", "unknown client authentication '" + e.getClientAuth()
                    + "'; expected basic (client_secret_basic) or post (client_secret_post)");
        }
        if (!e.getKeys().isEmpty()) {
            keys.load(e.getKeys(), "ehr.keys", where, problem);
        }
        return new EhrAuth(method, clientId, tokenUrl, scopes, secret, how, null, e.getTokenRenewBefore());
    }

    /** The clinic's own keys when it lists any, else the shared ones. */
    private JWK signingKey(EhrProperties e) {
        if (!e.getKeys().isEmpty()) {
            return keys.load(e.getKeys(), "ehr.keys", where, problem);
        }
        if (!shared.configured()) {
            problem.accept("ehr.keys", "required when ehr.auth is smart-backend (or shared keys in bridge.ehr-keys):"
                    + " the key that signs the client assertion");
        }
        // Shared keys with problems are reported once, under bridge.ehr-keys.
        return shared.signing();
    }

    private URI tokenUrl(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(url.trim());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                problem.accept("ehr.token-url", "must be an absolute http or https URL");
                return null;
            }
            return uri;
        } catch (IllegalArgumentException ex) {
            problem.accept("ehr.token-url", "is not a valid URL");
            return null;
        }
    }

    /** Scopes as a list or as one space-separated value (as OAuth writes them). */
    private static List<String> scopes(List<String> configured) {
        List<String> scopes = new ArrayList<>();
        if (configured != null) {
            for (String s : configured) {
                if (s == null) {
                    continue;
                }
                for (String part : s.trim().split("\\s+")) {
                    if (!part.isEmpty() && !scopes.contains(part)) {
                        scopes.add(part);
                    }
                }
            }
        }
        return List.copyOf(scopes);
    }
}
