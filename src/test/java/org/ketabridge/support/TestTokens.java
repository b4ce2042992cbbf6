package org.ketabridge.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.ketabridge.security.LocalSigningKey;
import org.ketabridge.security.Role;
import org.ketabridge.security.TokenIssuer;

/**
 * Bearer tokens for tests, signed by the local key the test bridges trust
 * ({@code bridge.security.local-key-dir}), and the bad ones a test must see refused.
 */
public final class TestTokens {

    /** The key folder of the in-JVM test bridge (application-test.yaml) and of bridge processes by default. */
    public static final Path KEY_DIR = Path.of("target/test-keys");

    /** Every clinic of application-test.yaml. */
    public static final List<String> TEST_CLINICS = List.of("alpha", "beta", "delta", "epsilon", "kappa", "gamma",
            "zeta", "lakeview.infusion", "desert_sky");

    private TestTokens() {
    }

    public static String clinicIt(String... clinics) {
        return issue(KEY_DIR, "it-" + String.join("-", clinics), Role.CLINIC_IT, List.of(clinics), Duration.ofHours(1));
    }

    public static String auditor(String... clinics) {
        return issue(KEY_DIR, "auditor-" + String.join("-", clinics), Role.AUDITOR, List.of(clinics), Duration.ofHours(1));
    }

    /** What Prometheus scrapes with (issue 17): the metrics role, no clinics. */
    public static String metrics() {
        return issue(KEY_DIR, "prometheus", Role.METRICS, List.of(), Duration.ofHours(1));
    }

    public static String admin() {
        return issue(KEY_DIR, "admin", Role.ADMIN, List.of(), Duration.ofHours(1));
    }

    /** Clinic IT for every test clinic: what most tests of the inbound API send. */
    public static String allTestClinics() {
        return clinicIt(TEST_CLINICS.toArray(String[]::new));
    }

    public static String expired(Role role, String... clinics) {
        return new TokenIssuer(LocalSigningKey.loadOrCreate(KEY_DIR))
                .issue("expired", role, List.of(clinics), Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1));
    }

    /** Well formed, right claims, signed by a key the bridge does not trust. */
    public static String foreignSigned(Role role, String... clinics) {
        try {
            RSAKey foreign = new RSAKeyGenerator(2048).keyID("foreign").generate();
            return new TokenIssuer(foreign).issue("forger", role, List.of(clinics), Instant.now(), Duration.ofHours(1));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String issue(Path keyDir, String subject, Role role, List<String> clinics, Duration validFor) {
        return new TokenIssuer(LocalSigningKey.loadOrCreate(keyDir)).issue(subject, role, clinics, Instant.now(), validFor);
    }
}
