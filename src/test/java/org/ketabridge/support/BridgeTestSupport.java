package org.ketabridge.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Extension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.validation.ResourceValidator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The bridge as a user meets it: the whole application on a random port, clinics syncing to
 * WireMock EHRs that each test scripts (errors, timeouts, 429s), store-only clinics
 * (application-test.yaml). Kappa's EHR creates encounters by POST and cannot be searched
 * ({@link #KAPPA_ENCOUNTERS}: a lost answer leaves an uncertain task) and takes no doses. One
 * Spring context for every test class that extends this (Spring's context cache), so tests use
 * record ids of their own and look only at their own requests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class BridgeTestSupport {

    protected static final WireMockServer ALPHA_EHR = start();
    protected static final WireMockServer BETA_EHR = start();
    protected static final WireMockServer PARALLEL_EHR = start();
    protected static final WireMockServer PACED_EHR = start();
    /** Kappa's encounters: created by POST, changed by a versioned PUT; its other resources go to KAPPA_EHR's catch-alls. */
    protected static final RestrictedEhr KAPPA_ENCOUNTERS = new RestrictedEhr();
    protected static final WireMockServer KAPPA_EHR = start(KAPPA_ENCOUNTERS);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    private static WireMockServer start() {
        return start(null);
    }

    private static WireMockServer start(RestrictedEhr restricted) {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(false)
                .extensions(restricted == null ? new Extension[] {new TransactionResponder(), new ConcurrencyProbe()}
                        : new Extension[] {new TransactionResponder(), new ConcurrencyProbe(), restricted}));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }

    @DynamicPropertySource
    static void ehrUrls(DynamicPropertyRegistry registry) {
        registry.add("test.ehr.alpha", () -> ALPHA_EHR.baseUrl() + "/fhir");
        registry.add("test.ehr.beta", () -> BETA_EHR.baseUrl() + "/fhir");
        registry.add("test.ehr.parallel", () -> PARALLEL_EHR.baseUrl() + "/fhir");
        registry.add("test.ehr.paced", () -> PACED_EHR.baseUrl() + "/fhir");
        registry.add("test.ehr.kappa", () -> KAPPA_EHR.baseUrl() + "/fhir");
    }

    @Autowired
    private ResourceValidator validator;

    /** The validator's definitions load once the bridge is up (seconds): a test's own time limits start after that. */
    @BeforeEach
    void awaitValidator() {
        await().atMost(Duration.ofMinutes(5)).until(validator::isReady);
    }

    @Autowired
    private AuditorStore auditorStore;

    /**
     * The auditors' store starts in this JVM after the bridge (most of a minute of both cores on
     * CI): meanwhile the WireMock EHRs can answer later than alpha's and beta's 1 s request
     * timeout, and the bridge rightly sends the timed-out write again, spends an attempt, and may
     * open the breaker. A test that counts writes or attempts, or times the bridge, calls this
     * first (in a {@code @BeforeEach}); the first such test of the run waits, the others do not.
     */
    protected void awaitAuditorsStore() {
        await().atMost(Duration.ofMinutes(5)).until(auditorStore::isReady);
    }

    /**
     * One record of the clinic's through its route to its EHR: the route's thread's first
     * validation loads the value sets (seconds on a loaded machine), during which a write can time
     * out (1 s) and spend an attempt. A test that counts attempts or times the sync warms up first.
     */
    protected void warmUp(String clinic) {
        String mrn = TestRecords.prefix() + "-W";
        HttpResponse<String> sent = httpPost("/api/v1/clinics/" + clinic + "/patients", "application/json",
                TestRecords.patient(mrn));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> "SENT".equals(taskStatus(clinic, "PATIENT", mrn)));
    }

    @BeforeEach
    void cleanEhrs() {
        for (WireMockServer ehr : new WireMockServer[] {ALPHA_EHR, BETA_EHR, PARALLEL_EHR, PACED_EHR}) {
            FakeEhr.reset(ehr);
        }
        FakeEhr.reset(KAPPA_EHR, kappa -> KAPPA_ENCOUNTERS.serve(kappa, "Encounter"));
    }

    /** As clinic IT of every test clinic. */
    protected HttpResponse<String> httpPost(String path, String contentType, String body) {
        return httpPost(path, contentType, body, TestTokens.allTestClinics());
    }

    protected HttpResponse<String> httpPost(String path, String contentType, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(token == null ? request : request.header("Authorization", "Bearer " + token));
    }

    /** As clinic IT of every test clinic. */
    protected HttpResponse<String> httpGet(String path) {
        return httpGet(path, TestTokens.allTestClinics());
    }

    protected HttpResponse<String> httpGet(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        return send(token == null ? request : request.header("Authorization", "Bearer " + token));
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected int storedVersions(String clinicId) {
        return jdbc.sql("select count(*) from record_version where clinic_id = ?").param(clinicId).query(Integer.class).single();
    }

    protected String taskStatus(String clinicId, String kind, String recordId) {
        return jdbc.sql("select status from sync_task where clinic_id = ? and kind = ? and record_id = ? order by id desc"
                        + " fetch first 1 rows only")
                .params(clinicId, kind, recordId).query(String.class).optional().orElse(null);
    }
}
