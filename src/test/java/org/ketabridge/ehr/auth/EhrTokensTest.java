package org.ketabridge.ehr.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TestKeys;
import org.ketabridge.support.TestTokens;
import org.ketabridge.support.TokenEndpoint.FhirRequest;
import org.ketabridge.support.TokenEndpoint;
import org.ketabridge.validation.ResourceValidator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * EHRs that want an OAuth2 access token (issue 13, item 5), each behind a WireMock token endpoint
 * as strict as a real one ({@link TokenEndpoint}: every SMART client assertion checked against the
 * bridge's own /.well-known/jwks.json) and FHIR stubs that answer 401 to any request without a
 * token it still accepts. What a clinic IT engineer sees: records arrive with tokens; a token the
 * EHR stops accepting costs one new token and one retry, nothing lost or doubled; a token endpoint
 * that is down or refuses the bridge holds the clinic (its sync status and health say why), nothing
 * is dead-lettered, and sync resumes by itself; RS384 and ES384 keys, discovery of the token URL,
 * client secrets both ways; the JWK Set holds every key, public parts only, for anyone.
 *
 * <p>The bridge runs in a context of its own (these clinics only; no auditors' store).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // Its own database: in the shared one, the other context's auditors' feed took these clinics'
        // store tasks, which it does not know, and retried them for the rest of the run.
        properties = {"bridge.auditor-store.enabled=false", "spring.datasource.url=jdbc:h2:mem:ehr-tokens;DB_CLOSE_DELAY=-1"})
@ActiveProfiles("test")
// A context of its own: closed after this class, so its sync loops do not run on through the rest of the suite.
@DirtiesContext
class EhrTokensTest {

    private static final Duration SYNCED = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> CLINICS = List.of("tok-rs", "tok-exp", "tok-down", "tok-bad", "tok-es", "tok-basic", "tok-post");
    private static final String SCOPES = "system/Patient.write system/Encounter.write system/Observation.write"
            + " system/MedicationAdministration.write system/Provenance.write";
    private static final String BASIC_SECRET = "p@ss:w/rd+=1";
    private static final String POST_SECRET = "s3cr=t/+&x y";

    /** The keys, made by the first property read (after JUnit made this folder), never committed. */
    @TempDir
    static Path keyDir;

    private static final TokenEndpoint RS = TokenEndpoint.smartBackend("rs", "kb-client-rs");
    private static final TokenEndpoint EXP = TokenEndpoint.smartBackend("exp", "kb-client-exp");
    private static final TokenEndpoint DOWN = TokenEndpoint.smartBackend("down", "kb-client-down");
    private static final TokenEndpoint BAD = TokenEndpoint.smartBackend("bad", "kb-client-bad");
    private static final TokenEndpoint ES = TokenEndpoint.smartBackend("es", "kb-client-es");
    private static final TokenEndpoint BASIC = TokenEndpoint.clientSecret("basic", TokenEndpoint.Method.CLIENT_SECRET_BASIC,
            "kb-client-basic", BASIC_SECRET);
    private static final TokenEndpoint POST = TokenEndpoint.clientSecret("post", TokenEndpoint.Method.CLIENT_SECRET_POST,
            "kb-client-post", POST_SECRET);

    private static final WireMockServer RS_EHR = RS.start();
    private static final WireMockServer EXP_EHR = EXP.start();
    private static final int DOWN_TOKEN_PORT = freePort();
    private static final WireMockServer DOWN_EHR = DOWN.startFhirOnly(DOWN_TOKEN_PORT);
    private static final WireMockServer BAD_EHR = BAD.start();
    private static final WireMockServer ES_EHR = ES.start();
    private static final WireMockServer BASIC_EHR = BASIC.start();
    private static final WireMockServer POST_EHR = POST.start();

    private static Map<String, TestKeys.KeyFiles> keys;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ResourceValidator validator;

    @Autowired
    Map<String, HealthIndicator> healthIndicators;

    private static synchronized TestKeys.KeyFiles key(String name) {
        if (keys == null) {
            keys = Map.of(
                    "rs", TestKeys.rsa(keyDir, "kb-rs-2026", 2048),
                    "es-old", TestKeys.ecP384(keyDir, "kb-es-2025"),
                    "es-clinic", TestKeys.ecP384(keyDir, "kb-es-clinic"),
                    "basic-secret", secretFile("basic", BASIC_SECRET),
                    "post-secret", secretFile("post", POST_SECRET));
        }
        return keys.get(name);
    }

    private static TestKeys.KeyFiles secretFile(String name, String secret) {
        try {
            Path file = keyDir.resolve(name + ".secret");
            Files.writeString(file, secret + "\n");
            return new TestKeys.KeyFiles(file, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void clinics(DynamicPropertyRegistry r) {
        // Shared keys: the one that signs, and an older one still published (rotation).
        r.add("bridge.ehr-keys[0].kid", () -> "kb-rs-2026");
        r.add("bridge.ehr-keys[0].private-key-file", () -> key("rs").privateKey().toString());
        r.add("bridge.ehr-keys[0].certificate-file", () -> key("rs").certificate().toString());
        r.add("bridge.ehr-keys[0].alg", () -> "RS384");
        r.add("bridge.ehr-keys[0].signing", () -> "true");
        r.add("bridge.ehr-keys[1].kid", () -> "kb-es-2025");
        r.add("bridge.ehr-keys[1].private-key-file", () -> key("es-old").privateKey().toString());
        r.add("bridge.ehr-keys[1].certificate-file", () -> key("es-old").certificate().toString());
        r.add("bridge.ehr-keys[1].alg", () -> "ES384");
        r.add("bridge.ehr-keys[1].signing", () -> "false");
        smartClinic(r, 0, "tok-rs", RS, RS_EHR, "per-resource");
        // Used for ~1 s of its 3: renewed before the EHR stops accepting it.
        r.add("bridge.clinics[0].ehr.token-renew-before", () -> "2s");
        smartClinic(r, 1, "tok-exp", EXP, EXP_EHR, "per-resource");
        smartClinic(r, 2, "tok-down", DOWN, DOWN_EHR, "transaction");
        smartClinic(r, 3, "tok-bad", BAD, BAD_EHR, "transaction");
        // Its own key (ES384), and its token URL found in the EHR's smart-configuration.
        smartClinic(r, 4, "tok-es", null, ES_EHR, "transaction");
        r.add("bridge.clinics[4].ehr.keys[0].kid", () -> "kb-es-clinic");
        r.add("bridge.clinics[4].ehr.keys[0].private-key-file", () -> key("es-clinic").privateKey().toString());
        r.add("bridge.clinics[4].ehr.keys[0].certificate-file", () -> key("es-clinic").certificate().toString());
        secretClinic(r, 5, "tok-basic", BASIC, BASIC_EHR, "basic");
        secretClinic(r, 6, "tok-post", POST, POST_EHR, "post");
    }

    private static void clinic(DynamicPropertyRegistry r, int i, String id, WireMockServer ehr, String writeMode) {
        String c = "bridge.clinics[" + i + "].";
        r.add(c + "id", () -> id);
        r.add(c + "time-zone", () -> "UTC");
        r.add(c + "ehr.type", () -> "fhir");
        r.add(c + "ehr.base-url", () -> ehr.baseUrl() + "/fhir");
        r.add(c + "ehr.write-mode", () -> writeMode);
    }

    private static void smartClinic(DynamicPropertyRegistry r, int i, String id, TokenEndpoint tokens, WireMockServer ehr, String mode) {
        clinic(r, i, id, ehr, mode);
        String c = "bridge.clinics[" + i + "].ehr.";
        r.add(c + "auth", () -> "smart-backend");
        r.add(c + "client-id", () -> "kb-client-" + id.substring(4));
        if (tokens != null) {
            r.add(c + "token-url", tokens::tokenUrl);
        }
        r.add(c + "scopes", () -> SCOPES);
    }

    private static void secretClinic(DynamicPropertyRegistry r, int i, String id, TokenEndpoint tokens, WireMockServer ehr, String how) {
        clinic(r, i, id, ehr, "transaction");
        String c = "bridge.clinics[" + i + "].ehr.";
        r.add(c + "auth", () -> "client-secret");
        r.add(c + "client-id", () -> "kb-client-" + id.substring(4));
        r.add(c + "token-url", tokens::tokenUrl);
        r.add(c + "client-secret-file", () -> key(how + "-secret").privateKey().toString());
        r.add(c + "client-auth", () -> how);
        r.add(c + "scopes", () -> "system/*.write");
    }

    @BeforeEach
    void bridgeReady() {
        for (TokenEndpoint t : List.of(RS, EXP, DOWN, BAD, ES, BASIC, POST)) {
            t.jwksUrl("http://localhost:" + port + "/.well-known/jwks.json");
        }
        await().atMost(Duration.ofMinutes(5)).until(validator::isReady);
    }

    @Test
    void recordsReachTheEhrWithTokensThatTheBridgeRenewsBeforeTheEhrStopsAcceptingThem() throws Exception {
        RS.expiresIn(Duration.ofSeconds(3));
        String p = prefix();
        List<String> mrns = List.of(p + "-0", p + "-1");
        post("tok-rs", "patients", mrns.stream().map(m -> patient(m) + "\n").reduce("", String::concat));
        post("tok-rs", "encounters", encounter(p + "-E", mrns.get(0)));
        awaitSent("tok-rs", "PATIENT", mrns);
        awaitSent("tok-rs", "ENCOUNTER", List.of(p + "-E"));

        assertThat(RS.refused()).as("every client assertion passed the EHR's checks").isEmpty();
        assertThat(RS.issued()).isNotEmpty().allSatisfy(a -> {
            assertThat(a.alg()).isEqualTo("RS384");
            assertThat(a.kid()).as("signed with the shared key marked signing, not the older one").isEqualTo("kb-rs-2026");
            assertThat(a.scope()).isEqualTo(SCOPES);
        });
        List<FhirRequest> requests = TokenEndpoint.fhirRequests(RS_EHR);
        Set<String> issued = tokensOf(RS);
        assertThat(requests).as("every write carried a token the EHR issued").isNotEmpty()
                .allSatisfy(r -> assertThat(issued).contains(r.token()));
        FakeEhr.assertHeldOnce(FakeEhr.writes(RS_EHR), List.of("urn:ketabridge:tok-rs/mrn|" + mrns.get(0),
                "urn:ketabridge:tok-rs/mrn|" + mrns.get(1), "urn:ketabridge:tok-rs/encounter|" + p + "-E"), false);

        // Every token so far has expired at the EHR: the next record goes with a new one, asked for
        // before sending (the bridge knows when its token expires), not after a 401.
        await().atMost(SYNCED).until(() -> RS.issued().stream().noneMatch(a -> RS.isValid(a.token())));
        int tokensBefore = RS.issued().size();
        int requestsBefore = requests.size();
        String later = p + "-2";
        post("tok-rs", "patients", patient(later));
        awaitSent("tok-rs", "PATIENT", List.of(later));
        assertThat(RS.issued()).hasSizeGreaterThan(tokensBefore);
        List<FhirRequest> after = TokenEndpoint.fhirRequests(RS_EHR).subList(requestsBefore, TokenEndpoint.fhirRequests(RS_EHR).size());
        assertThat(after).isNotEmpty().allSatisfy(r -> {
            assertThat(r.status()).as("renewed before it expired: no 401").isBetween(200, 299);
            assertThat(r.token()).isIn(tokensOf(RS)).isNotIn(issued);
        });
        assertThat(attempts("tok-rs", p)).as("no retry budget spent").isZero();
    }

    @Test
    void aTokenTheEhrStopsAcceptingMidRunCostsOneNewTokenAndOneRetryNothingLostOrDoubled() throws Exception {
        EXP.expiresIn(Duration.ofHours(1));
        String p = prefix();
        post("tok-exp", "patients", patient(p + "-0"));
        awaitSent("tok-exp", "PATIENT", List.of(p + "-0"));
        int tokensBefore = EXP.issued().size();
        int requestsBefore = TokenEndpoint.fhirRequests(EXP_EHR).size();

        // Mid-run, the EHR stops accepting the token the bridge holds (an hour before it said).
        EXP.expireAllNow();
        post("tok-exp", "encounters", encounter(p + "-E", p + "-0"));
        post("tok-exp", "patients", patient(p + "-1"));
        awaitSent("tok-exp", "ENCOUNTER", List.of(p + "-E"));
        awaitSent("tok-exp", "PATIENT", List.of(p + "-1"));

        List<FhirRequest> all = TokenEndpoint.fhirRequests(EXP_EHR);
        List<FhirRequest> after = all.subList(requestsBefore, all.size());
        List<Integer> refusedAt = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            if (after.get(i).status() == 401) {
                refusedAt.add(i);
            }
        }
        assertThat(refusedAt).as("one 401: to the first request after the EHR dropped the token").containsExactly(0);
        assertThat(EXP.issued()).as("one new token").hasSize(tokensBefore + 1);
        String fresh = EXP.issued().get(tokensBefore).token();
        FhirRequest refused = after.get(0);
        FhirRequest retry = after.get(1);
        assertThat(retry.method() + " " + retry.url()).as("the same request, once more").isEqualTo(refused.method() + " " + refused.url());
        assertThat(retry.token()).isEqualTo(fresh);
        assertThat(retry.status()).isBetween(200, 299);
        assertThat(after.subList(1, after.size())).allSatisfy(r -> assertThat(r.token()).isEqualTo(fresh));
        FakeEhr.assertHeldOnce(FakeEhr.writes(EXP_EHR), List.of("urn:ketabridge:tok-exp/mrn|" + p + "-0",
                "urn:ketabridge:tok-exp/mrn|" + p + "-1", "urn:ketabridge:tok-exp/encounter|" + p + "-E"), false);
        assertThat(attempts("tok-exp", p)).as("no retry budget spent").isZero();
        assertThat(credentials("tok-exp").path("status").asText()).isEqualTo("accepted");
        assertThat(deadLetters("tok-exp")).doesNotContain(p);
    }

    @Test
    void aTokenEndpointThatIsDownHoldsTheClinicNothingDeadAndSyncResumesWhenItIsBack() throws Exception {
        String p = prefix();
        List<String> mrns = List.of(p + "-0", p + "-1", p + "-2");
        post("tok-down", "patients", mrns.stream().map(m -> patient(m) + "\n").reduce("", String::concat));

        JsonNode held = await().atMost(SYNCED).until(() -> credentials("tok-down"), c -> "no-token".equals(c.path("status").asText()));
        assertThat(held.path("error").asText()).isEqualTo("token_endpoint_unreachable");
        assertThat(held.path("since").asText()).isNotBlank();
        Health health = healthIndicators.get("ehrTokensHealthIndicator").health();
        assertThat(health.getStatus()).as("one clinic without a token degrades the bridge, never takes it down")
                .isEqualTo(new Status("DEGRADED"));
        // And the bridge's own health says so without answering 503: the other clinics are fine.
        HttpResponse<String> overall = HTTP.send(HttpRequest.newBuilder(uri("/actuator/health"))
                .header("Authorization", "Bearer " + TestTokens.admin()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(overall.statusCode()).as(overall.body()).isEqualTo(200);
        assertThat(JSON.readTree(overall.body()).path("status").asText()).as(overall.body()).isEqualTo("DEGRADED");
        @SuppressWarnings("unchecked")
        Map<String, Object> detail = (Map<String, Object>) health.getDetails().get("tok-down");
        assertThat(detail).containsEntry("status", "failing").containsEntry("error", "token_endpoint_unreachable")
                .containsEntry("tokenUrl", DOWN.tokenUrl()).containsEntry("kid", "kb-rs-2026");
        assertThat(TokenEndpoint.fhirRequests(DOWN_EHR)).as("nothing goes to the EHR without a token").isEmpty();
        // The probe keeps trying (one record at a time) while the endpoint stays down.
        await().atMost(SYNCED).until(() -> jdbc.sql("select count(*) from sync_task where clinic_id = 'tok-down'"
                + " and last_error like 'no access token%'").query(Integer.class).single() >= 1);
        for (String mrn : mrns) {
            assertThat(status("tok-down", "PATIENT", mrn)).as("held, not dead").isEqualTo("PENDING");
        }
        assertThat(attempts("tok-down", p)).as("no retry budget spent").isZero();
        assertThat(deadLetters("tok-down")).doesNotContain(p);

        // The token endpoint is back.
        WireMockServer back = DOWN.startTokenEndpointOn(DOWN_TOKEN_PORT);
        try {
            awaitSent("tok-down", "PATIENT", mrns);
            assertThat(attempts("tok-down", p)).isZero();
            assertThat(credentials("tok-down").path("status").asText()).isEqualTo("accepted");
            assertThat(DOWN.refused()).isEmpty();
            @SuppressWarnings("unchecked")
            Map<String, Object> ok = (Map<String, Object>) healthIndicators.get("ehrTokensHealthIndicator").health()
                    .getDetails().get("tok-down");
            assertThat(ok).containsEntry("status", "ok").doesNotContainKey("error");
        } finally {
            back.stop();
        }
    }

    @Test
    void aTokenEndpointThatAnswersInvalidClientHoldsTheClinicAndSaysSo() throws Exception {
        BAD.registeredClientId("a-client-the-ehr-registered-instead");
        String p = prefix();
        post("tok-bad", "patients", patient(p + "-0"));

        JsonNode held = await().atMost(SYNCED).until(() -> credentials("tok-bad"), c -> "no-token".equals(c.path("status").asText()));
        assertThat(held.path("error").asText()).isEqualTo("invalid_client");
        assertThat(held.path("httpStatus").asInt()).isEqualTo(401);
        assertThat(held.path("errorDescription").asText()).isNotBlank();
        assertThat(held.path("detail").asText()).contains("invalid_client");
        @SuppressWarnings("unchecked")
        Map<String, Object> detail = (Map<String, Object>) healthIndicators.get("ehrTokensHealthIndicator").health()
                .getDetails().get("tok-bad");
        assertThat(detail).containsEntry("error", "invalid_client").containsEntry("httpStatus", 401);
        assertThat(status("tok-bad", "PATIENT", p + "-0")).isEqualTo("PENDING");
        assertThat(attempts("tok-bad", p)).isZero();
        assertThat(TokenEndpoint.fhirRequests(BAD_EHR)).isEmpty();

        // Clinic IT registers the bridge's client id at the EHR: the probe gets a token, the record goes.
        BAD.registeredClientId("kb-client-bad");
        awaitSent("tok-bad", "PATIENT", List.of(p + "-0"));
        assertThat(attempts("tok-bad", p)).isZero();
        assertThat(credentials("tok-bad").path("status").asText()).isEqualTo("accepted");
    }

    @Test
    void anEs384KeyOfTheClinicsOwnAndATokenUrlFoundInTheEhrsSmartConfiguration() throws Exception {
        String p = prefix();
        post("tok-es", "patients", patient(p + "-0"));
        awaitSent("tok-es", "PATIENT", List.of(p + "-0"));
        assertThat(ES.refused()).isEmpty();
        assertThat(ES.issued()).isNotEmpty().allSatisfy(a -> {
            assertThat(a.alg()).isEqualTo("ES384");
            assertThat(a.kid()).isEqualTo("kb-es-clinic");
        });
        assertThat(ES_EHR.getAllServeEvents()).as("the token URL came from the EHR's smart-configuration")
                .anyMatch(e -> e.getRequest().getUrl().equals("/fhir/.well-known/smart-configuration"));
        assertThat(TokenEndpoint.fhirRequests(ES_EHR)).isNotEmpty().allSatisfy(r -> assertThat(r.status()).isBetween(200, 299));
    }

    @Test
    void aClientSecretSentEitherWayTheClinicConfigured() throws Exception {
        String p = prefix();
        post("tok-basic", "patients", patient(p + "-B"));
        post("tok-post", "patients", patient(p + "-P"));
        awaitSent("tok-basic", "PATIENT", List.of(p + "-B"));
        awaitSent("tok-post", "PATIENT", List.of(p + "-P"));
        // Each endpoint refuses the other way of sending the secret.
        assertThat(BASIC.refused()).isEmpty();
        assertThat(BASIC.issued()).isNotEmpty().allSatisfy(a -> assertThat(a.method()).isEqualTo(TokenEndpoint.Method.CLIENT_SECRET_BASIC));
        assertThat(POST.refused()).isEmpty();
        assertThat(POST.issued()).isNotEmpty().allSatisfy(a -> assertThat(a.method()).isEqualTo(TokenEndpoint.Method.CLIENT_SECRET_POST));
        assertThat(TokenEndpoint.fhirRequests(BASIC_EHR)).isNotEmpty().allSatisfy(r -> assertThat(r.token()).isIn(tokensOf(BASIC)));
        assertThat(TokenEndpoint.fhirRequests(POST_EHR)).isNotEmpty().allSatisfy(r -> assertThat(r.token()).isIn(tokensOf(POST)));
        String health = healthIndicators.get("ehrTokensHealthIndicator").health().toString();
        assertThat(health).as("health shows no secret and no token").doesNotContain(BASIC_SECRET, POST_SECRET)
                .doesNotContain("at-").doesNotContain("PRIVATE");
    }

    @Test
    void theJwkSetHoldsEveryConfiguredKeyPublicPartsOnlyForAnyoneWithoutAToken() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/.well-known/jwks.json")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("max-age"));
        JsonNode keys = JSON.readTree(response.body()).path("keys");
        List<String> kids = new ArrayList<>();
        keys.forEach(k -> kids.add(k.path("kid").asText()));
        // The signing key, the older shared key kept for rotation, and the ES384 clinic's own key.
        assertThat(kids).containsExactlyInAnyOrder("kb-rs-2026", "kb-es-2025", "kb-es-clinic");
        assertThat(new HashSet<>(kids)).hasSameSizeAs(kids);
        keys.forEach(k -> {
            assertThat(k.path("use").asText()).isEqualTo("sig");
            assertThat(k.path("alg").asText()).isIn("RS384", "ES384");
            for (String privatePart : List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k")) {
                assertThat(k.has(privatePart)).as(k.path("kid").asText() + " has no private member " + privatePart).isFalse();
            }
        });
        assertThat(keys.findValuesAsText("kty")).containsExactlyInAnyOrder("RSA", "EC", "EC");
    }

    // --- helpers ---

    private void post(String clinic, String kind, String ndjson) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/clinics/" + clinic + "/" + kind))
                .header("Content-Type", "application/x-ndjson").header("Authorization", "Bearer " + itToken())
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.endsWith("\n") ? ndjson : ndjson + "\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private JsonNode credentials(String clinic) throws Exception {
        return JSON.readTree(get("/api/v1/clinics/" + clinic + "/sync")).path("credentials");
    }

    private String deadLetters(String clinic) throws Exception {
        return get("/api/v1/clinics/" + clinic + "/dead-letters");
    }

    private String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + itToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String itToken() {
        return TestTokens.clinicIt(CLINICS.toArray(String[]::new));
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private void awaitSent(String clinic, String kind, List<String> recordIds) {
        await().atMost(SYNCED).untilAsserted(() -> {
            for (String id : recordIds) {
                assertThat(status(clinic, kind, id)).as(kind + " " + id + " (" + lastError(clinic, id) + ")").isEqualTo("SENT");
            }
        });
    }

    private String status(String clinic, String kind, String recordId) {
        return jdbc.sql("select status from sync_task where clinic_id = ? and kind = ? and record_id = ? order by id desc"
                + " fetch first 1 rows only").params(clinic, kind, recordId).query(String.class).optional().orElse(null);
    }

    private String lastError(String clinic, String recordId) {
        return jdbc.sql("select coalesce(max(last_error), '') from sync_task where clinic_id = ? and record_id = ?")
                .params(clinic, recordId).query(String.class).single();
    }

    /** Attempts spent on the tasks of this test's records. */
    private int attempts(String clinic, String prefix) {
        return jdbc.sql("select coalesce(sum(attempts), 0) from sync_task where clinic_id = ? and record_id like ?")
                .params(clinic, prefix + "%").query(Integer.class).single();
    }

    private static Set<String> tokensOf(TokenEndpoint endpoint) {
        Set<String> tokens = new HashSet<>();
        endpoint.issued().forEach(a -> tokens.add(a.token()));
        return tokens;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
