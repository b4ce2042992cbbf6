package org.ketabridge.ehr.fhir;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.WriteMode;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.MovableClock;
import org.ketabridge.support.TestClinics;
import org.ketabridge.support.TransactionResponder;
import org.slf4j.LoggerFactory;

/**
 * {@code write-mode: auto} against a WireMock EHR whose {@code GET /fhir/metadata} the test
 * scripts (issue 13, slice 1): what clinic IT sees is the start-up line of the clinic's plan and
 * how the EHR receives the clinic's records (one transaction Bundle, or one conditional PUT per
 * resource). A configured write mode is unchanged: its EHR is never asked for its statement.
 */
class EhrPlansAutoModeTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Path STATEMENTS = Path.of("src/test/resources/capability-statements");
    private static final String MRN_SYSTEM = "urn:ketabridge:north/mrn";

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T08:00:00Z"));
    private WireMockServer ehr;

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(EhrPlans.class)).addAppender(log);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(EhrPlans.class)).detachAppender(log);
        if (ehr != null) {
            ehr.stop();
        }
    }

    @Test
    void anEhrDeclaringTransactionAndConditionalUpdateForEveryTypeGetsTodaysTransactions() throws Exception {
        ehr = startEhr(0, Files.readString(STATEMENTS.resolve("hapi-8.8.0.json")));
        ClinicRegistry clinics = clinics("auto");
        EhrPlans plans = new EhrPlans(clinics, FHIR, clock);

        plans.planAtStartUp();

        assertThat(lines(Level.INFO)).containsExactly("Clinic north EHR plan: Patient=transaction Encounter=transaction"
                + " Observation=transaction MedicationAdministration=transaction Provenance=transaction"
                + " Organization=transaction EpisodeOfCare=transaction Flag=transaction QuestionnaireResponse=transaction;"
                + " write-mode auto: transaction, from the EHR's CapabilityStatement (HAPI FHIR Server 8.8.0)");
        assertThat(lines(Level.WARN)).isEmpty();
        assertThat(plans.of("north").orElseThrow().writeMode()).isEqualTo(WriteMode.TRANSACTION);

        WriteResult result = new FhirEhrClient(clinics.find("north").orElseThrow(), FHIR, plans).write(patient("KB-T-1"));

        assertThat(result.reference()).startsWith("Patient/");
        assertThat(requests()).containsExactly("GET /fhir/metadata", "POST /fhir");
    }

    @Test
    void anEhrWithConditionalUpdateButNoTransactionGetsOnePutPerResource() throws Exception {
        CapabilityStatement statement = WritePlanTest.statement("hapi-8.8.0.json");
        statement.getRestFirstRep().getInteraction().removeIf(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION);
        ehr = startEhr(0, FHIR.newJsonParser().encodeResourceToString(statement));
        ClinicRegistry clinics = clinics("auto");
        EhrPlans plans = new EhrPlans(clinics, FHIR, clock);

        plans.planAtStartUp();

        assertThat(lines(Level.INFO)).singleElement().asString()
                .startsWith("Clinic north EHR plan: Patient=conditional-update Encounter=conditional-update ")
                .endsWith("; write-mode auto: per-resource, from the EHR's CapabilityStatement (HAPI FHIR Server 8.8.0)");
        assertThat(lines(Level.WARN)).isEmpty();

        new FhirEhrClient(clinics.find("north").orElseThrow(), FHIR, plans).write(patient("KB-T-2"));

        assertThat(requests()).containsExactly("GET /fhir/metadata", "PUT /fhir/Patient?identifier=urn%3Aketabridge%3Anorth%2Fmrn%7CKB-T-2");
    }

    @Test
    void anEhrThatNeedsStrategiesNotBuiltYetIsSaidSoAndWrittenPerResourceMeanwhile() throws Exception {
        // Create-patch is built: Patient and Encounter are written; the types it takes no create of are named.
        ehr = startEhr(0, Files.readString(STATEMENTS.resolve("oracle-like.json")));
        EhrPlans plans = new EhrPlans(clinics("auto", "MedicationAdministration", "none"), FHIR, clock);

        plans.planAtStartUp();

        // No conditional update of Patient: the EHR registers its patients, the bridge matches them (issue 13).
        assertThat(lines(Level.INFO)).containsExactly("Clinic north EHR plan: Patient=match(no conditional update)"
                + " Encounter=create-patch(If-Match) Observation=create-update(If-Match, no identifier search)"
                + " MedicationAdministration=none(configured) Provenance=none Organization=none EpisodeOfCare=none Flag=none QuestionnaireResponse=none;"
                + " write-mode auto: per-resource, from the EHR's CapabilityStatement (Oracle-like test EHR 2026.01);"
                + " patients: matched, but ehr.patient-identifier-system is not set");
        assertThat(lines(Level.WARN)).singleElement().asString().startsWith("Clinic north: Patient: matched, not written (this EHR's"
                + " CapabilityStatement declares no conditional update of Patient").contains("ehr.patient-identifier-system is not set");
        assertThat(plans.writeMode("north")).isEqualTo(WriteMode.PER_RESOURCE);
        assertThat(requests()).containsExactly("GET /fhir/metadata");
    }

    /**
     * The EHR is down when the bridge starts: the bridge starts anyway and says so; its records
     * are written per resource (conditional, as in both of today's modes) until the statement can
     * be read, which is tried again on a write once the backoff has passed, not on every write.
     */
    @Test
    void anUnreachableEhrDoesNotStopStartUpAndItsStatementIsReadOnAWriteAfterABackoff() throws Exception {
        int port = freePort();
        ClinicRegistry clinics = clinicsAt("auto", "http://localhost:" + port + "/fhir");
        EhrPlans plans = new EhrPlans(clinics, FHIR, clock);
        FhirEhrClient client = new FhirEhrClient(clinics.find("north").orElseThrow(), FHIR, plans);

        plans.planAtStartUp();

        assertThat(lines(Level.INFO)).isEmpty();
        assertThat(lines(Level.WARN)).containsExactly("Clinic north EHR plan: Patient=conditional-update Encounter=conditional-update"
                + " Observation=conditional-update MedicationAdministration=conditional-update Provenance=conditional-update"
                + " Organization=conditional-update EpisodeOfCare=conditional-update Flag=conditional-update QuestionnaireResponse=conditional-update;"
                + " write-mode auto: per-resource until the EHR's CapabilityStatement is read (EHR unreachable: ConnectException;"
                + " read again on a write after 30 s)");
        assertThat(plans.writeMode("north")).isEqualTo(WriteMode.PER_RESOURCE);
        assertThatThrownBy(() -> client.write(patient("KB-T-3"))).isInstanceOf(EhrUnavailableException.class);

        ehr = startEhr(port, Files.readString(STATEMENTS.resolve("hapi-8.8.0.json")));
        client.write(patient("KB-T-4"));
        assertThat(requests()).as("within the backoff: not asked again, written per resource")
                .containsExactly("PUT /fhir/Patient?identifier=urn%3Aketabridge%3Anorth%2Fmrn%7CKB-T-4");

        clock.advance(EhrPlans.FIRST_RETRY);
        client.write(patient("KB-T-5"));
        assertThat(requests()).containsExactly("PUT /fhir/Patient?identifier=urn%3Aketabridge%3Anorth%2Fmrn%7CKB-T-4",
                "GET /fhir/metadata", "POST /fhir");
        assertThat(lines(Level.INFO)).singleElement().asString().startsWith("Clinic north EHR plan: Patient=transaction ")
                .endsWith("; write-mode auto: transaction, from the EHR's CapabilityStatement (HAPI FHIR Server 8.8.0)");
        assertThat(plans.of("north").orElseThrow().statementRead()).isTrue();
    }

    @Test
    void aFailedReadIsTriedAgainLessAndLessOften() throws Exception {
        ehr = startEhr(0, null);
        ehr.stubFor(get(urlPathEqualTo("/fhir/metadata")).atPriority(1).willReturn(aResponse().withStatus(503)));
        EhrPlans plans = new EhrPlans(clinics("auto"), FHIR, clock);

        plans.planAtStartUp();
        clock.advance(Duration.ofSeconds(30));
        plans.writeMode("north");
        clock.advance(Duration.ofSeconds(59));
        plans.writeMode("north");
        clock.advance(Duration.ofSeconds(1));
        plans.writeMode("north");

        assertThat(requests()).containsExactly("GET /fhir/metadata", "GET /fhir/metadata", "GET /fhir/metadata");
        assertThat(lines(Level.WARN)).extracting(line -> line.substring(line.indexOf("(EHR answered")))
                .containsExactly("(EHR answered 503 to GET metadata; read again on a write after 30 s)",
                        "(EHR answered 503 to GET metadata; read again on a write after 60 s)",
                        "(EHR answered 503 to GET metadata; read again on a write after 120 s)");
    }

    /** Nothing changes for a configured write mode: its EHR is not asked for its statement, its plan is the configuration's. */
    @Test
    void aConfiguredWriteModeSendsNoNewRequestAndIsLoggedAsConfigured() throws Exception {
        ehr = startEhr(0, Files.readString(STATEMENTS.resolve("oracle-like.json")));
        ClinicRegistry clinics = clinics("transaction", "MedicationAdministration", "none");
        EhrPlans plans = new EhrPlans(clinics, FHIR, clock);

        plans.planAtStartUp();

        assertThat(lines(Level.INFO)).containsExactly("Clinic north EHR plan: Patient=transaction Encounter=transaction"
                + " Observation=transaction MedicationAdministration=none(configured) Provenance=transaction"
                + " Organization=transaction EpisodeOfCare=transaction Flag=transaction QuestionnaireResponse=transaction; write-mode transaction, as configured");
        assertThat(lines(Level.WARN)).as("none is written (by sending nothing): nothing to warn of").isEmpty();
        new FhirEhrClient(clinics.find("north").orElseThrow(), FHIR, plans).write(patient("KB-T-6"));
        assertThat(requests()).containsExactly("POST /fhir");
    }

    // --- helpers ---

    private ClinicRegistry clinics(String writeMode, String... overrides) {
        return clinicsAt(writeMode, ehr.baseUrl() + "/fhir", overrides);
    }

    private static ClinicRegistry clinicsAt(String writeMode, String baseUrl, String... overrides) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bridge.clinics[0].id", "north");
        p.put("bridge.clinics[0].time-zone", "America/Denver");
        p.put("bridge.clinics[0].ehr.type", "fhir");
        p.put("bridge.clinics[0].ehr.base-url", baseUrl);
        p.put("bridge.clinics[0].ehr.write-mode", writeMode);
        p.put("bridge.clinics[0].ehr.connect-timeout", "2s");
        p.put("bridge.clinics[0].ehr.request-timeout", "10s");
        for (int i = 0; i < overrides.length; i += 2) {
            p.put("bridge.clinics[0].ehr.resources." + overrides[i], overrides[i + 1]);
        }
        return TestClinics.registry(p);
    }

    /** A WireMock EHR that takes every conditional write and transaction, answering this statement (null: none). */
    private static WireMockServer startEhr(int port, String statement) {
        WireMockServer server = new WireMockServer((port == 0 ? wireMockConfig().dynamicPort() : wireMockConfig().port(port))
                .globalTemplating(false).extensions(new TransactionResponder()));
        server.start();
        FakeEhr.acceptEverything(server);
        if (statement != null) {
            server.stubFor(get(urlPathEqualTo("/fhir/metadata")).atPriority(5).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/fhir+json").withBody(statement)));
        }
        return server;
    }

    /** A synthetic patient record: one Patient, conditional on its MRN. */
    private static MappedRecord patient(String mrn) {
        Patient p = new Patient();
        p.addIdentifier().setSystem(MRN_SYSTEM).setValue(mrn);
        p.addName().setFamily("Test").addGiven("Synthetic");
        return new MappedRecord(List.of(new MappedResource(p, MRN_SYSTEM, mrn, "urn:uuid:00000000-0000-4000-8000-00000000000" + mrn.length())));
    }

    /** The requests the EHR received, oldest first, as {@code METHOD url}. */
    private List<String> requests() {
        List<String> requests = new ArrayList<>();
        for (ServeEvent event : ehr.getAllServeEvents()) {
            requests.add(0, event.getRequest().getMethod().getName() + " " + event.getRequest().getUrl());
        }
        return requests;
    }

    private List<String> lines(Level level) {
        return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
