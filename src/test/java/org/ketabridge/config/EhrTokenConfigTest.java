package org.ketabridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.TestClinics;
import org.ketabridge.support.TestKeys;

/**
 * Token settings of a clinic's EHR (issue 13: smart-backend, client-secret) and the signing keys,
 * as the operator writes them: a usable configuration becomes a typed {@link EhrAuth}; every
 * mistake stops start-up naming the clinic (or bridge.ehr-keys) and the property, all at once,
 * never quoting a secret or a key. Keys are made at test time in a temporary folder.
 */
class EhrTokenConfigTest {

    @TempDir
    static Path dir;

    private static TestKeys.KeyFiles rsa;
    private static TestKeys.KeyFiles rsaOld;
    private static TestKeys.KeyFiles ec;
    private static TestKeys.KeyFiles ecP256;
    private static TestKeys.KeyFiles rsaShort;

    @BeforeAll
    static void keys() {
        rsa = TestKeys.rsa(dir, "rsa", 2048);
        rsaOld = TestKeys.rsa(dir, "rsa-old", 2048);
        ec = TestKeys.ecP384(dir, "ec");
        ecP256 = TestKeys.ecP256(dir, "ec256");
        rsaShort = TestKeys.rsa(dir, "rsa1024", 1024);
    }

    private static Map<String, String> smartClinic() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bridge.clinics[0].id", "north");
        p.put("bridge.clinics[0].time-zone", "UTC");
        p.put("bridge.clinics[0].ehr.type", "fhir");
        p.put("bridge.clinics[0].ehr.base-url", "https://ehr.example.org/fhir/R4");
        p.put("bridge.clinics[0].ehr.auth", "smart-backend");
        p.put("bridge.clinics[0].ehr.client-id", "0f3c-kb");
        p.put("bridge.clinics[0].ehr.scopes", "system/Patient.read system/Observation.write");
        return p;
    }

    private static void sharedKey(Map<String, String> p, int i, String kid, TestKeys.KeyFiles files, String alg, Boolean signing) {
        String k = "bridge.ehr-keys[" + i + "].";
        p.put(k + "kid", kid);
        p.put(k + "private-key-file", files.privateKey().toString());
        p.put(k + "certificate-file", files.certificate().toString());
        if (alg != null) {
            p.put(k + "alg", alg);
        }
        if (signing != null) {
            p.put(k + "signing", signing.toString());
        }
    }

    private static void clinicKey(Map<String, String> p, int i, String kid, TestKeys.KeyFiles files, String alg) {
        String k = "bridge.clinics[0].ehr.keys[" + i + "].";
        p.put(k + "kid", kid);
        p.put(k + "private-key-file", files.privateKey().toString());
        p.put(k + "certificate-file", files.certificate().toString());
        if (alg != null) {
            p.put(k + "alg", alg);
        }
    }

    private static ClinicRegistry registry(Map<String, String> p, Map<String, String> env) {
        return new ClinicRegistry(TestClinics.properties(p), env::get);
    }

    private static List<String> problems(Map<String, String> p) {
        try {
            registry(p, Map.of());
        } catch (InvalidClinicConfigurationException e) {
            return e.problems();
        }
        throw new AssertionError("expected start-up to stop");
    }

    @Test
    void aSmartBackendClinicSignsWithTheSharedKeyMarkedSigningAndEveryKeyIsPublished() {
        Map<String, String> p = smartClinic();
        sharedKey(p, 0, "kb-2026", rsa, "RS384", true);
        sharedKey(p, 1, "kb-2025", ec, "ES384", false);
        ClinicRegistry clinics = registry(p, Map.of());

        EhrAuth auth = clinics.find("north").orElseThrow().ehr().auth();
        assertThat(auth.method()).isEqualTo(EhrAuthMethod.SMART_BACKEND);
        assertThat(auth.clientId()).isEqualTo("0f3c-kb");
        assertThat(auth.tokenUrl()).as("not configured: discovered from the EHR").isNull();
        assertThat(auth.scopes()).containsExactly("system/Patient.read", "system/Observation.write");
        JWK signing = auth.signingKey();
        assertThat(signing.getKeyID()).isEqualTo("kb-2026");
        assertThat(signing.getAlgorithm()).as("the JWK carries alg, else Spring would sign with RS256").isEqualTo(JWSAlgorithm.RS384);
        assertThat(signing.isPrivate()).isTrue();
        assertThat(clinics.find("north").orElseThrow().ehr().authorizationHeader()).isEmpty();
        assertThat(clinics.ehrKeys()).extracting(JWK::getKeyID).containsExactly("kb-2026", "kb-2025");
        assertThat(auth.toString()).doesNotContain("\"d\"").contains("kb-2026");
    }

    @Test
    void aClinicsOwnKeySignsWithItsAlgTakenFromTheKeyWhenNotGiven() {
        Map<String, String> p = smartClinic();
        p.put("bridge.clinics[0].ehr.token-url", "https://auth.example.org/oauth2/token");
        p.put("bridge.clinics[0].ehr.scopes[0]", "system/Patient.read");
        p.put("bridge.clinics[0].ehr.scopes[1]", "system/Encounter.write");
        p.remove("bridge.clinics[0].ehr.scopes");
        clinicKey(p, 0, "north-ec", ec, null);
        EhrAuth auth = registry(p, Map.of()).find("north").orElseThrow().ehr().auth();
        assertThat(auth.signingKey().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
        assertThat(auth.tokenUrl()).hasToString("https://auth.example.org/oauth2/token");
        assertThat(auth.scopes()).containsExactly("system/Patient.read", "system/Encounter.write");
    }

    @Test
    void whatSmartBackendNeedsIsNamedPropertyByProperty() {
        Map<String, String> p = smartClinic();
        p.remove("bridge.clinics[0].ehr.client-id");
        p.put("bridge.clinics[0].ehr.scopes", "patient/*.read system/Observation.write");
        p.put("bridge.clinics[0].ehr.token-url", "not a url");
        assertThat(problems(p)).containsExactlyInAnyOrder(
                "bridge.clinics[0] (id 'north'): ehr.client-id: required when ehr.auth is smart-backend (the client id the EHR registered for the bridge)",
                "bridge.clinics[0] (id 'north'): ehr.token-url: is not a valid URL",
                "bridge.clinics[0] (id 'north'): ehr.scopes: 'patient/*.read' is not a system/ scope (SMART Backend Services asks for system/... scopes)",
                "bridge.clinics[0] (id 'north'): ehr.keys: required when ehr.auth is smart-backend (or shared keys in bridge.ehr-keys): the key that signs the client assertion");
    }

    @Test
    void keyFilesThatCannotSignAreRefusedEachWithItsReason() throws Exception {
        Path pkcs1 = dir.resolve("pkcs1.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Map<String, String> p = smartClinic();
        clinicKey(p, 0, "missing", new TestKeys.KeyFiles(dir.resolve("nowhere.pem"), rsa.certificate()), "RS384");
        clinicKey(p, 1, "pkcs1", new TestKeys.KeyFiles(pkcs1, rsa.certificate()), "RS384");
        clinicKey(p, 2, "not-its-pair", new TestKeys.KeyFiles(rsaOld.privateKey(), rsa.certificate()), "RS384");
        clinicKey(p, 3, "wrong-alg", ec, "RS384");
        clinicKey(p, 4, "short", rsaShort, "RS384");
        clinicKey(p, 5, "p256", ecP256, "ES384");
        clinicKey(p, 6, "hs", rsa, "HS256");
        List<String> problems = problems(p);
        String at = "bridge.clinics[0] (id 'north'): ehr.keys";
        assertThat(problems).containsExactlyInAnyOrder(
                at + "[0].private-key-file: cannot read '" + dir.resolve("nowhere.pem") + "'",
                at + "[1].private-key-file: '" + pkcs1 + "' holds a 'RSA PRIVATE KEY'; a PKCS#8 key (BEGIN PRIVATE KEY, unencrypted)"
                        + " is needed: convert it with openssl pkcs8 -topk8 -nocrypt",
                at + "[2].private-key-file: is not the private key of the certificate's public key",
                at + "[3].alg: RS384 needs an RSA key; the certificate's key is EC",
                at + "[4].certificate-file: the RSA key has 1024 bits; at least 2048 are needed",
                at + "[5].certificate-file: ES384 needs an EC key on P-384; this one is on P-256",
                at + "[6].alg: 'HS256' is not RS384 or ES384 (the algorithms SMART Backend Services allows)");
        assertThat(String.join("\n", problems)).doesNotContain("BEGIN PRIVATE KEY-----\nM");
    }

    @Test
    void exactlyOneKeyOfAListSignsAndAKidNamesOneKey() {
        Map<String, String> both = smartClinic();
        sharedKey(both, 0, "a", rsa, null, true);
        sharedKey(both, 1, "b", rsaOld, null, true);
        assertThat(problems(both)).containsExactly("bridge.ehr-keys: keys [a, b] all have signing: true; exactly one signs"
                + " (the others are only published, for rotation)");

        Map<String, String> none = smartClinic();
        sharedKey(none, 0, "a", rsa, null, null);
        sharedKey(none, 1, "b", rsaOld, null, null);
        assertThat(problems(none)).containsExactly("bridge.ehr-keys: no key signs: set signing: true on exactly one"
                + " (the others are only published, for rotation)");

        Map<String, String> sameKid = smartClinic();
        sharedKey(sameKid, 0, "kb", rsa, null, null);
        clinicKey(sameKid, 0, "kb", ec, null);
        assertThat(problems(sameKid)).containsExactly("bridge.clinics[0] (id 'north'): ehr.keys[0].kid: 'kb' is already the kid"
                + " of another key (bridge.ehr-keys[0]); a kid names one key in the bridge's JWK Set");
    }

    @Test
    void brokenSharedKeysAreNamedUnderBridgeEhrKeys() {
        Map<String, String> p = smartClinic();
        p.put("bridge.ehr-keys[0].kid", "kb");
        p.put("bridge.ehr-keys[0].private-key-file", rsa.privateKey().toString());
        assertThat(problems(p)).containsExactly(
                "bridge.ehr-keys[0].certificate-file: required: the X.509 PEM certificate of the key's public part");
    }

    @Test
    void aClientSecretComesFromAFileOrTheEnvironmentAndIsSentTheWayConfigured() throws Exception {
        Path secretFile = dir.resolve("client.secret");
        Files.writeString(secretFile, "from-a-file\n");
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            p.put("bridge.clinics[" + i + "].id", "c" + i);
            p.put("bridge.clinics[" + i + "].time-zone", "UTC");
            p.put("bridge.clinics[" + i + "].ehr.type", "fhir");
            p.put("bridge.clinics[" + i + "].ehr.base-url", "https://ehr.example.org/fhir");
            p.put("bridge.clinics[" + i + "].ehr.auth", "client-secret");
            p.put("bridge.clinics[" + i + "].ehr.client-id", "kb-" + i);
            p.put("bridge.clinics[" + i + "].ehr.token-url", "https://ehr.example.org/token");
        }
        p.put("bridge.clinics[0].ehr.client-secret-file", secretFile.toString());
        p.put("bridge.clinics[1].ehr.client-secret-env", "KB_EHR_SECRET");
        p.put("bridge.clinics[1].ehr.client-auth", "post");
        ClinicRegistry clinics = registry(p, Map.of("KB_EHR_SECRET", "from-the-env"));
        EhrAuth basic = clinics.find("c0").orElseThrow().ehr().auth();
        EhrAuth post = clinics.find("c1").orElseThrow().ehr().auth();
        assertThat(basic.clientSecret()).isEqualTo("from-a-file");
        assertThat(basic.clientSecretMethod()).as("the default").isEqualTo(EhrAuth.ClientSecretMethod.BASIC);
        assertThat(post.clientSecret()).isEqualTo("from-the-env");
        assertThat(post.clientSecretMethod()).isEqualTo(EhrAuth.ClientSecretMethod.POST);
        assertThat(basic.toString() + post + clinics.find("c1").orElseThrow()).doesNotContain("from-a-file", "from-the-env");

        p.remove("bridge.clinics[0].ehr.client-secret-file");
        p.put("bridge.clinics[1].ehr.client-auth", "jwt");
        assertThat(problems(p)).containsExactlyInAnyOrder(
                "bridge.clinics[0] (id 'c0'): ehr.client-secret-env: required (or ehr.client-secret-file): the secret's environment variable or file",
                "bridge.clinics[1] (id 'c1'): ehr.client-secret-env: environment variable 'KB_EHR_SECRET' is not set",
                "bridge.clinics[1] (id 'c1'): ehr.client-auth: unknown client authentication 'jwt'; expected basic (client_secret_basic)"
                        + " or post (client_secret_post)");
    }

    @Test
    void basicAndBearerStayAsTheyWereAndAnUnknownAuthListsEveryKind() {
        Map<String, String> p = smartClinic();
        p.put("bridge.clinics[0].ehr.auth", "bearer");
        p.put("bridge.clinics[0].ehr.token-env", "KB_TOKEN");
        Clinic north = registry(p, Map.of("KB_TOKEN", "t0k")).find("north").orElseThrow();
        assertThat(north.ehr().authorizationHeader()).contains("Bearer t0k");
        assertThat(north.ehr().auth().method()).isEqualTo(EhrAuthMethod.BEARER);
        assertThat(north.ehr().auth().usesTokens()).isFalse();

        p.put("bridge.clinics[0].ehr.auth", "mtls");
        assertThat(problems(p)).containsExactly("bridge.clinics[0] (id 'north'): ehr.auth: unknown auth 'mtls';"
                + " expected none, basic, bearer, smart-backend or client-secret");
    }
}
