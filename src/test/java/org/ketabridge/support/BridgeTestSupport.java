package org.ketabridge.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Extension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
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
