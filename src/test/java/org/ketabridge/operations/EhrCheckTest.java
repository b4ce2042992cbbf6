package org.ketabridge.operations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.config.WriteMode;
import org.ketabridge.ehr.fhir.EhrPlans;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.Hl7Receiver;
import org.ketabridge.support.TestKeys;
import org.ketabridge.support.TestTokens;
import org.ketabridge.support.TokenEndpoint;
import org.ketabridge.support.TransactionResponder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The connection check (issue 13, item 6): {@code POST /api/v1/clinics/{clinicId}/ehr/check} as
 * clinic IT meets it, one clinic per kind of EHR, each a WireMock server the test scripts: what
 * the answer says about reaching the EHR (DNS, refused connection, TLS, timeout), its token
 * endpoint, its CapabilityStatement and the write plan that follows, and that the check never
 * writes to the EHR. Clinic IT of another clinic gets the same 404 as for a clinic that does not
 * exist, and the EHR hears nothing of it.
 *
 * <p>The bridge runs in a context of its own (these clinics only; no auditors' store).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bridge.auditor-store.enabled=false", "spring.datasource.url=jdbc:h2:mem:ehr-check;DB_CLOSE_DELAY=-1"})
@ActiveProfiles("test")
// A context and a database of its own, closed after this class (see EhrTokensTest).
@DirtiesContext
class EhrCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path STATEMENTS = Path.of("src/test/resources/capability-statements");
    private static final String WRONG_SECRET = "not-the-secret-the-ehr-knows";

    @TempDir
    static Path keyDir;

    private static TestKeys.KeyFiles key;
    private static Path secretFile;

    /** HAPI-like; it answers 503 until the test gives it its statement (the bridge starts while it is down). */
    private static final WireMockServer HAPI = wireMock();
    private static final WireMockServer ORACLE = wireMock();
    private static final WireMockServer NOT_FOUND = wireMock();
    private static final WireMockServer GARBAGE = wireMock();
    private static final WireMockServer SLOW = wireMock();
    private static final WireMockServer TLS = startTls();
    private static final int CLOSED_PORT = freePort();
    /** An EHR that takes HL7 v2 over MLLP (issue 14). */
    private static final Hl7Receiver HL7 = hl7Receiver();

    /** SMART Backend Services; its metadata wants a token too. Token endpoint on a server of its own. */
    private static final TokenEndpoint SMART = TokenEndpoint.smartBackend("check-smart", "kb-client-check");
    private static final int SMART_TOKEN_PORT = freePort();
    private static final WireMockServer SMART_EHR = SMART.startFhirOnly(SMART_TOKEN_PORT);
    private static final WireMockServer SMART_TOKENS = SMART.startTokenEndpointOn(SMART_TOKEN_PORT);

    /** A client secret the EHR's token endpoint does not know: invalid_client. */
    private static final TokenEndpoint REFUSING = TokenEndpoint.clientSecret("check-refused",
            TokenEndpoint.Method.CLIENT_SECRET_BASIC, "kb-client-refused", "the-secret-the-ehr-knows");
    private static final WireMockServer REFUSING_EHR = REFUSING.start();

    @LocalServerPort
    int port;

    @Autowired
    EhrPlans plans;

    private static Hl7Receiver hl7Receiver() {
        try {
            Hl7Receiver receiver = new Hl7Receiver(Duration.ofSeconds(1));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    receiver.close();
                } catch (IOException e) {
                    // the JVM is going anyway
                }
            }));
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static WireMockServer wireMock() {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(false)
                .extensions(new TransactionResponder()));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }

    /** WireMock over https with its own self-signed certificate, which the JDK does not trust. */
    private static WireMockServer startTls() {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().dynamicHttpsPort().globalTemplating(false));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        server.stubFor(get(urlPathEqualTo("/fhir/metadata")).willReturn(statement("hapi-8.8.0.json")));
        return server;
    }

    static {
        HAPI.stubFor(get(urlPathEqualTo("/fhir/metadata")).willReturn(aResponse().withStatus(503)));
        ORACLE.stubFor(get(urlPathEqualTo("/fhir/metadata")).willReturn(statement("oracle-like.json")));
        FakeEhr.acceptEverything(NOT_FOUND);
        // A sign-in page where the FHIR base should be (a base-url that names the portal, not the API).
        GARBAGE.stubFor(get(urlPathEqualTo("/fhir/metadata")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html><body><form>Sign in</form></body></html>")));
        SLOW.stubFor(get(urlPathEqualTo("/fhir/metadata")).willReturn(statement("hapi-8.8.0.json").withFixedDelay(3000)));
        SMART_EHR.stubFor(get(urlPathEqualTo("/fhir/metadata")).atPriority(3)
                .withHeader("Authorization", matching("Bearer at-.+")).willReturn(statement("hapi-8.8.0.json")));
        SMART_EHR.stubFor(get(urlPathEqualTo("/fhir/metadata")).atPriority(4)
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer")));
        REFUSING_EHR.stubFor(get(urlPathEqualTo("/fhir/metadata")).atPriority(3).willReturn(statement("hapi-8.8.0.json")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder statement(String file) {
        try {
            return aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json")
                    .withBody(Files.readString(STATEMENTS.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized TestKeys.KeyFiles key() {
        if (key == null) {
            key = TestKeys.rsa(keyDir, "kb-check-2026", 2048);
        }
        return key;
    }

    private static synchronized Path secretFile() {
        if (secretFile == null) {
            try {
                secretFile = keyDir.resolve("refused.secret");
                Files.writeString(secretFile, WRONG_SECRET + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return secretFile;
    }

    @DynamicPropertySource
    static void clinics(DynamicPropertyRegistry r) {
        r.add("bridge.ehr-keys[0].kid", () -> "kb-check-2026");
        r.add("bridge.ehr-keys[0].private-key-file", () -> key().privateKey().toString());
        r.add("bridge.ehr-keys[0].certificate-file", () -> key().certificate().toString());
        r.add("bridge.ehr-keys[0].alg", () -> "RS384");
        r.add("bridge.ehr-keys[0].signing", () -> "true");
        clinic(r, 0, "check-hapi", HAPI.baseUrl() + "/fhir", "auto");
        clinic(r, 1, "check-oracle", ORACLE.baseUrl() + "/fhir", "auto");
        clinic(r, 2, "check-404", NOT_FOUND.baseUrl() + "/fhir", "per-resource");
        clinic(r, 3, "check-garbage", GARBAGE.baseUrl() + "/fhir", "per-resource");
        clinic(r, 4, "check-slow", SLOW.baseUrl() + "/fhir", "per-resource");
        r.add("bridge.clinics[4].ehr.request-timeout", () -> "300ms");
        clinic(r, 5, "check-closed", "http://localhost:" + CLOSED_PORT + "/fhir", "per-resource");
        clinic(r, 6, "check-dns", "http://ehr-check.invalid/fhir", "per-resource");
        clinic(r, 7, "check-tls", "https://localhost:" + TLS.httpsPort() + "/fhir", "per-resource");
        clinic(r, 8, "check-smart", SMART_EHR.baseUrl() + "/fhir", "auto");
        r.add("bridge.clinics[8].ehr.auth", () -> "smart-backend");
        r.add("bridge.clinics[8].ehr.client-id", () -> "kb-client-check");
        r.add("bridge.clinics[8].ehr.token-url", SMART::tokenUrl);
        r.add("bridge.clinics[8].ehr.scopes", () -> "system/Patient.write system/Observation.write");
        clinic(r, 9, "check-refused", REFUSING_EHR.baseUrl() + "/fhir", "auto");
        r.add("bridge.clinics[9].ehr.auth", () -> "client-secret");
        r.add("bridge.clinics[9].ehr.client-id", () -> "kb-client-refused");
        r.add("bridge.clinics[9].ehr.token-url", REFUSING::tokenUrl);
        r.add("bridge.clinics[9].ehr.client-secret-file", () -> secretFile().toString());
        r.add("bridge.clinics[9].ehr.scopes", () -> "system/*.write");
        r.add("bridge.clinics[10].id", () -> "check-none");
        r.add("bridge.clinics[10].time-zone", () -> "UTC");
        r.add("bridge.clinics[10].ehr.type", () -> "none");
        // Today's per-resource writes forced onto the Oracle-like EHR; doses named as not taken.
        clinic(r, 11, "check-forced", ORACLE.baseUrl() + "/fhir", "per-resource");
        r.add("bridge.clinics[11].ehr.resources.MedicationAdministration", () -> "none");
        // The Oracle-like EHR again, its patients matched by the MRN system it states on them.
        clinic(r, 12, "check-matched", ORACLE.baseUrl() + "/fhir", "auto");
        r.add("bridge.clinics[12].ehr.patient-identifier-system", () -> "urn:oid:2.16.840.1.113883.3.1234");
        // Issue 14: an EHR that takes HL7 v2 over MLLP.
        r.add("bridge.clinics[13].id", () -> "check-hl7");
        r.add("bridge.clinics[13].time-zone", () -> "UTC");
        r.add("bridge.clinics[13].ehr.type", () -> "hl7v2");
        r.add("bridge.clinics[13].ehr.host", () -> "localhost");
        r.add("bridge.clinics[13].ehr.port", () -> String.valueOf(HL7.port()));
    }

    private static void clinic(DynamicPropertyRegistry r, int i, String id, String baseUrl, String writeMode) {
        String c = "bridge.clinics[" + i + "].";
        r.add(c + "id", () -> id);
        r.add(c + "time-zone", () -> "UTC");
        r.add(c + "ehr.type", () -> "fhir");
        r.add(c + "ehr.base-url", () -> baseUrl);
        r.add(c + "ehr.write-mode", () -> writeMode);
    }

    @BeforeEach
    void bridgeKnown() {
        SMART.jwksUrl("http://localhost:" + port + "/.well-known/jwks.json");
        REFUSING.jwksUrl("http://localhost:" + port + "/.well-known/jwks.json");
    }

    @Test
    void aHapiLikeEhrIsOkAndTheCheckRefreshesThePlanTheBridgeStartedWithout() throws Exception {
        // At start-up the EHR answered 503: the bridge writes per resource until it knows more.
        assertThat(plans.of("check-hapi").orElseThrow().statementRead()).isFalse();
        HAPI.stubFor(get(urlPathEqualTo("/fhir/metadata")).willReturn(statement("hapi-8.8.0.json")));
        HAPI.resetRequests();

        JsonNode check = check("check-hapi");

        assertThat(check.path("clinicId").asText()).isEqualTo("check-hapi");
        assertThat(check.path("ok").asBoolean()).as(check.toPrettyString()).isTrue();
        assertThat(check.path("problems")).isEmpty();
        assertThat(check.path("checkedAt").asText()).isNotBlank();
        assertThat(stepNames(check)).containsExactly("reach", "metadata", "plan");
        assertThat(check.path("steps")).allSatisfy(s -> assertThat(s.path("ok").asBoolean()).as(s.toString()).isTrue());
        JsonNode metadata = step(check, "metadata");
        assertThat(metadata.path("fhirVersion").asText()).isEqualTo("4.0.1");
        assertThat(metadata.path("software").asText()).isEqualTo("HAPI FHIR Server 8.8.0");
        assertThat(metadata.path("transaction").asBoolean()).isTrue();
        assertThat(metadata.path("batch").asBoolean()).as("HAPI declares transaction only").isFalse();
        JsonNode plan = check.path("plan");
        assertThat(fieldNames(plan)).containsExactly("Patient", "Encounter", "Observation", "MedicationAdministration",
                "Provenance", "Organization", "EpisodeOfCare", "Flag", "QuestionnaireResponse");
        plan.forEach(type -> {
            assertThat(type.path("strategy").asText()).isEqualTo("transaction");
            assertThat(type.path("source").asText()).isEqualTo("statement");
        });
        assertThat(check.path("writeMode").asText()).isEqualTo("transaction");

        // The plan the sync writes with is the one the check just read.
        assertThat(plans.of("check-hapi").orElseThrow().statementRead()).isTrue();
        assertThat(plans.of("check-hapi").orElseThrow().writeMode()).isEqualTo(WriteMode.TRANSACTION);
        assertThat(methodsAndPaths(HAPI)).containsExactly("GET /fhir/metadata");
    }

    /**
     * An EHR shaped like Oracle Health's documented R4 API: no conditional writes, no transaction,
     * MedicationAdministration read-only, Observation without identifier search. The check is not
     * ok: the bridge cannot write this EHR's records with the strategies it has built.
     */
    @Test
    void anOracleLikeEhrIsNotOkAndEveryReasonIsNamed() throws Exception {
        JsonNode check = check("check-oracle");

        assertThat(check.path("ok").asBoolean()).isFalse();
        assertThat(step(check, "reach").path("ok").asBoolean()).isTrue();
        assertThat(step(check, "metadata").path("ok").asBoolean()).isTrue();
        assertThat(step(check, "metadata").path("transaction").asBoolean()).isFalse();
        assertThat(step(check, "plan").path("ok").asBoolean()).isFalse();
        JsonNode plan = check.path("plan");
        // No conditional update of Patient: its patients are matched; without ehr.patient-identifier-system, a problem.
        assertThat(plan.path("Patient").path("strategy").asText()).isEqualTo("match");
        assertThat(plan.path("Patient").path("source").asText()).isEqualTo("statement");
        assertThat(plan.path("Patient").path("identifierSearch").asBoolean()).isTrue();
        assertThat(step(check, "plan").path("patientMode").asText()).isEqualTo("match");
        assertThat(step(check, "plan").path("patients").asText()).isEqualTo("matched, but ehr.patient-identifier-system is not set");
        assertThat(texts(plan.path("Patient").path("problems"))).singleElement().asString()
                .startsWith("Patient: matched, not written (this EHR's CapabilityStatement declares no conditional update of Patient")
                .contains("ehr.patient-identifier-system is not set: set it to the identifier system");
        assertThat(plan.path("Observation").path("strategy").asText()).isEqualTo("create-update");
        assertThat(plan.path("Observation").path("identifierSearch").asBoolean()).isFalse();
        assertThat(plan.path("MedicationAdministration").path("strategy").asText()).isEqualTo("none");
        assertThat(plan.path("MedicationAdministration").path("source").asText()).isEqualTo("statement");
        List<String> problems = texts(check.path("problems"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("MedicationAdministration: not accepted by this EHR"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("Observation: no identifier search")
                .contains("it is looked up by patient and date instead"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("Patient: matched, not written"));
        // Every strategy is built: nothing is named as not written yet.
        assertThat(problems).noneSatisfy(p -> assertThat(p).startsWith("this version does not write with"));
        assertThat(texts(plan.path("MedicationAdministration").path("problems")))
                .anySatisfy(p -> assertThat(p).startsWith("MedicationAdministration: not accepted by this EHR"));
        assertThat(check.path("writeMode").asText()).isEqualTo("per-resource");
    }

    /** The same EHR with the system its MRNs are stated under: the check says how patients are found, and no patient problem. */
    @Test
    void anEhrWhosePatientsAreMatchedSaysBySystem() throws Exception {
        JsonNode check = check("check-matched");

        JsonNode plan = step(check, "plan");
        assertThat(plan.path("patientMode").asText()).isEqualTo("match");
        assertThat(plan.path("patients").asText()).isEqualTo("matched by urn:oid:2.16.840.1.113883.3.1234");
        assertThat(plan.path("patientIdentifierSystem").asText()).isEqualTo("urn:oid:2.16.840.1.113883.3.1234");
        assertThat(plan.path("detail").asText()).contains("Patient=match(no conditional update)")
                .endsWith("; patients: matched by urn:oid:2.16.840.1.113883.3.1234");
        assertThat(check.path("plan").path("Patient").path("problems")).isEmpty();
        assertThat(texts(check.path("problems"))).noneSatisfy(p -> assertThat(p).startsWith("Patient"));
        assertThat(methodsAndPaths(ORACLE)).as("reads only").allSatisfy(r -> assertThat(r).startsWith("GET "));
    }

    /**
     * A configured write mode is checked against the statement too: per-resource sends
     * conditional updates, which this EHR does not declare. A type the operator named in
     * ehr.resources is taken as the operator says (that is how to overrule an incomplete statement).
     */
    @Test
    void aConfiguredWriteModeTheEhrDoesNotAllowIsNamedPerType() throws Exception {
        JsonNode check = check("check-forced");

        assertThat(check.path("ok").asBoolean()).isFalse();
        JsonNode plan = check.path("plan");
        assertThat(plan.path("Patient").path("strategy").asText()).isEqualTo("conditional-update");
        assertThat(plan.path("Patient").path("source").asText()).isEqualTo("write-mode");
        assertThat(plan.path("MedicationAdministration").path("source").asText()).isEqualTo("configuration");
        List<String> problems = texts(check.path("problems"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("Patient: write-mode per-resource sends conditional updates")
                .contains("it allows create-patch"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("Observation: write-mode per-resource")
                .contains("it allows create-update"));
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .isEqualTo("MedicationAdministration: not accepted by this EHR (configured: ehr.resources.MedicationAdministration: none)"));
        assertThat(problems).noneSatisfy(p -> assertThat(p).startsWith("MedicationAdministration: write-mode"));
        assertThat(check.path("writeMode").asText()).isEqualTo("per-resource");
    }

    @Test
    void metadataNotFoundIsAnsweredAsSuchAfterTheEhrWasReached() throws Exception {
        JsonNode check = check("check-404");

        assertThat(check.path("ok").asBoolean()).isFalse();
        JsonNode reach = step(check, "reach");
        assertThat(reach.path("ok").asBoolean()).isTrue();
        assertThat(reach.path("httpStatus").asInt()).isEqualTo(404);
        JsonNode metadata = step(check, "metadata");
        assertThat(metadata.path("ok").asBoolean()).isFalse();
        assertThat(metadata.path("kind").asText()).isEqualTo("http-status");
        assertThat(metadata.path("problem").asText()).contains("404").contains("/fhir/metadata");
        assertThat(step(check, "plan").path("ok").asBoolean()).isFalse();
        assertThat(check.path("plan").path("Patient").path("strategy").asText()).as("the configured write mode's")
                .isEqualTo("conditional-update");
        assertThat(check.path("plan").path("Patient").path("source").asText()).isEqualTo("write-mode");
        assertThat(texts(check.path("problems"))).anySatisfy(p -> assertThat(p).contains("404"));
    }

    @Test
    void anAnswerThatIsNotACapabilityStatementIsNamedSo() throws Exception {
        JsonNode check = check("check-garbage");

        assertThat(check.path("ok").asBoolean()).isFalse();
        assertThat(step(check, "reach").path("ok").asBoolean()).isTrue();
        JsonNode metadata = step(check, "metadata");
        assertThat(metadata.path("ok").asBoolean()).isFalse();
        assertThat(metadata.path("kind").asText()).isEqualTo("not-a-capability-statement");
        assertThat(check.toString()).as("the EHR's page is not repeated").doesNotContain("Sign in");
    }

    @Test
    void anEhrSlowerThanTheRequestTimeoutIsATimeout() throws Exception {
        JsonNode check = check("check-slow");

        assertThat(check.path("ok").asBoolean()).isFalse();
        JsonNode reach = step(check, "reach");
        assertThat(reach.path("ok").asBoolean()).isFalse();
        assertThat(reach.path("kind").asText()).isEqualTo("timeout");
        assertThat(step(check, "metadata").path("ok").asBoolean()).isFalse();
        assertThat(texts(check.path("problems"))).hasSize(1);
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        JsonNode reach = step(check("check-closed"), "reach");
        assertThat(reach.path("ok").asBoolean()).isFalse();
        assertThat(reach.path("kind").asText()).isEqualTo("unreachable");
        assertThat(reach.path("problem").asText()).contains("localhost:" + CLOSED_PORT);
    }

    @Test
    void anUnknownHostIsADnsProblem() throws Exception {
        JsonNode check = check("check-dns");
        JsonNode reach = step(check, "reach");
        assertThat(reach.path("ok").asBoolean()).isFalse();
        assertThat(reach.path("kind").asText()).isEqualTo("dns");
        assertThat(reach.path("problem").asText()).contains("ehr-check.invalid");
        assertThat(check.path("ok").asBoolean()).isFalse();
    }

    @Test
    void aCertificateTheBridgeDoesNotTrustIsATlsProblemWithItsReason() throws Exception {
        JsonNode reach = step(check("check-tls"), "reach");
        assertThat(reach.path("ok").asBoolean()).isFalse();
        assertThat(reach.path("kind").asText()).isEqualTo("tls");
        assertThat(reach.path("problem").asText()).contains("SSLHandshakeException");
        assertThat(TLS.getAllServeEvents()).as("no HTTP request got through").isEmpty();
    }

    /**
     * SMART Backend Services: the token step names how and where the bridge got its token (never
     * the token), the CapabilityStatement is read with it, and nothing but reads reach the EHR
     * and one token request its token endpoint.
     */
    @Test
    void aSmartBackendEhrIsCheckedWithATokenAndTheCheckWritesNothing() throws Exception {
        SMART_EHR.resetRequests();
        SMART_TOKENS.resetRequests();

        JsonNode check = check("check-smart");

        assertThat(check.path("ok").asBoolean()).as(check.toPrettyString()).isTrue();
        assertThat(stepNames(check)).containsExactly("reach", "token", "metadata", "plan");
        assertThat(step(check, "reach").path("httpStatus").asInt()).as("metadata without a token").isEqualTo(401);
        JsonNode token = step(check, "token");
        assertThat(token.path("ok").asBoolean()).isTrue();
        assertThat(token.path("method").asText()).isEqualTo("smart-backend");
        assertThat(token.path("tokenUrl").asText()).isEqualTo(SMART.tokenUrl());
        assertThat(token.path("tokenUrlSource").asText()).isEqualTo("configured");
        assertThat(token.path("kid").asText()).isEqualTo("kb-check-2026");
        assertThat(SMART.issued()).isNotEmpty();
        SMART.issued().forEach(a -> assertThat(check.toString()).as("never the token").doesNotContain(a.token()));
        assertThat(check.path("plan").path("Observation").path("strategy").asText()).isEqualTo("transaction");

        assertThat(methodsAndPaths(SMART_EHR)).as("the EHR got reads only").isNotEmpty()
                .allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(methodsAndPaths(SMART_EHR)).contains("GET /fhir/metadata");
        assertThat(methodsAndPaths(SMART_TOKENS)).containsExactly("POST " + TokenEndpoint.PATH);
    }

    @Test
    void aTokenEndpointAnsweringInvalidClientIsNamedAndTheRestIsStillChecked() throws Exception {
        JsonNode check = check("check-refused");

        assertThat(check.path("ok").asBoolean()).isFalse();
        JsonNode token = step(check, "token");
        assertThat(token.path("ok").asBoolean()).isFalse();
        assertThat(token.path("kind").asText()).isEqualTo("token-refused");
        assertThat(token.path("error").asText()).isEqualTo("invalid_client");
        assertThat(token.path("httpStatus").asInt()).isEqualTo(401);
        assertThat(token.path("method").asText()).startsWith("client-secret");
        assertThat(token.path("tokenUrl").asText()).isEqualTo(REFUSING.tokenUrl());
        assertThat(token.path("problem").asText()).contains("invalid_client");
        assertThat(check.toString()).as("never the secret").doesNotContain(WRONG_SECRET);
        // The statement needs no token at this EHR: it is read and planned all the same.
        assertThat(step(check, "metadata").path("ok").asBoolean()).isTrue();
        assertThat(step(check, "plan").path("ok").asBoolean()).isTrue();
        assertThat(texts(check.path("problems"))).singleElement().asString().contains("invalid_client");
        assertThat(methodsAndPaths(REFUSING_EHR)).allSatisfy(r -> assertThat(r).startsWith("GET "));
    }

    /** Issue 14: an HL7 v2 EHR is checked by connecting to its MLLP listener; it hears nothing, not a byte. */
    @Test
    void anHl7v2EhrIsReachedAndHearsNothing() throws Exception {
        long before = HL7.bytesReceived();

        JsonNode check = check("check-hl7");

        assertThat(check.path("ok").asBoolean()).as(check.toPrettyString()).isTrue();
        assertThat(stepNames(check)).containsExactly("reach");
        assertThat(step(check, "reach").path("url").asText()).isEqualTo("mllp://localhost:" + HL7.port());
        assertThat(step(check, "reach").path("detail").asText()).endsWith("opened and closed, nothing sent");
        assertThat(check.path("problems")).isEmpty();
        assertThat(check.has("writeMode")).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> HL7.connections() > 0);
        assertThat(HL7.bytesReceived()).isEqualTo(before);
        assertThat(HL7.stored()).isEmpty();
    }

    @Test
    void aClinicWithoutAnEhrIsNotOk() throws Exception {
        JsonNode check = check("check-none");
        assertThat(check.path("ok").asBoolean()).isFalse();
        assertThat(texts(check.path("problems"))).containsExactly("this clinic has no EHR configured");
    }

    @Test
    void clinicItOfAnotherClinicGetsTheUnknownClinicAnswerAndTheEhrHearsNothing() throws Exception {
        ORACLE.resetRequests();

        HttpResponse<String> other = post("/api/v1/clinics/check-oracle/ehr/check", TestTokens.clinicIt("check-404"));
        HttpResponse<String> unknown = post("/api/v1/clinics/no-such-clinic/ehr/check", TestTokens.admin());

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains("No clinic 'check-oracle' is configured");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No clinic 'no-such-clinic' is configured");
        assertThat(ORACLE.getAllServeEvents()).isEmpty();
        // The clinic's own IT, and an admin, are answered.
        assertThat(post("/api/v1/clinics/check-oracle/ehr/check", TestTokens.clinicIt("check-oracle")).statusCode()).isEqualTo(200);
        assertThat(post("/api/v1/clinics/check-oracle/ehr/check", TestTokens.admin()).statusCode()).isEqualTo(200);
        assertThat(post("/api/v1/clinics/check-oracle/ehr/check", TestTokens.auditor("check-oracle")).statusCode()).isEqualTo(403);
    }

    // --- helpers ---

    private JsonNode check(String clinic) throws Exception {
        HttpResponse<String> response = post("/api/v1/clinics/" + clinic + "/ehr/check", TestTokens.clinicIt(clinic));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode step(JsonNode check, String name) {
        for (JsonNode s : check.path("steps")) {
            if (name.equals(s.path("step").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + check.toPrettyString());
    }

    private static List<String> stepNames(JsonNode check) {
        List<String> names = new ArrayList<>();
        check.path("steps").forEach(s -> names.add(s.path("step").asText()));
        return names;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    /** Every request the server received, oldest first, as "METHOD /path". */
    private static List<String> methodsAndPaths(WireMockServer server) {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events);
        return events.stream().map(e -> e.getRequest().getMethod().getName() + " " + URI.create(e.getRequest().getUrl()).getPath())
                .toList();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
