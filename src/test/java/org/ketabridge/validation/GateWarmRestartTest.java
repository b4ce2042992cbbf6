package org.ketabridge.validation;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.KetaBridgeApplication;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TestRecords;
import org.ketabridge.support.TestTokens;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Warm restarts (issue 16): the shapes the gate admitted are in the database, so a bridge
 * restarted on it sends records of those shapes at once, while HAPI's validator is still loading
 * (held back here until the test lets it go, so "before it is ready" is certain, not a race); a
 * record of a shape never admitted still waits for the validator. Also measures seconds from
 * start to the first record in the EHR, cold and warm (printed for BENCHMARKS.md, not asserted).
 */
class GateWarmRestartTest {

    private static final Duration COLD = Duration.ofMinutes(5); // the validator loads first: minutes on a loaded machine

    private final WireMockServer ehr = new WireMockServer(wireMockConfig().dynamicPort()
            .extensions(new org.ketabridge.support.TransactionResponder()));
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @AfterEach
    void stop() {
        HeldBackValidator.LET_GO.countDown();
        ehr.stop();
    }

    @Test
    void aRestartedBridgeSendsRecordsOfAdmittedShapesBeforeTheValidatorIsReady() throws Exception {
        ehr.start();
        FakeEhr.acceptEverything(ehr);
        String prefix = TestRecords.prefix();

        // Cold: nothing admitted; the validator loads before the first record can go. 5 admit the shape.
        long coldStart = System.currentTimeMillis();
        double coldSeconds;
        double coldUp;
        try (ConfigurableApplicationContext bridge = start(work.resolve("warm"), false)) {
            coldUp = (System.currentTimeMillis() - coldStart) / 1000.0;
            post(bridge, "patients", patients(prefix + "-A", 6));
            await().atMost(COLD).until(() -> sentPatients() == 6);
            coldSeconds = (firstWrite() - coldStart) / 1000.0;
            assertThat(bridge.getBean(JdbcClient.class).sql("select count(*) from gate_shape where state = 'ADMITTED'")
                    .query(Integer.class).single()).as("the patients' shape, admitted and kept").isEqualTo(1);
        }

        // Warm: the same database; the validator's readiness held back.
        ehr.resetRequests();
        long warmStart = System.currentTimeMillis();
        try (ConfigurableApplicationContext bridge = start(work.resolve("warm"), true)) {
            double warmUp = (System.currentTimeMillis() - warmStart) / 1000.0;
            post(bridge, "patients", patients(prefix + "-B", 3));
            await().atMost(Duration.ofMinutes(2)).until(() -> sentPatients() == 3);
            double warmSeconds = (firstWrite() - warmStart) / 1000.0;
            ValidatorReadiness readiness = bridge.getBean(ValidatorReadiness.class);
            assertThat(readiness.health().getStatus()).as("sent while the validator is loading").isEqualTo(Status.UNKNOWN);
            assertThat(HeldBackValidator.ASKED).as("no full validation was asked for").hasValue(0);

            // A shape never admitted (an encounter of a patient the EHR holds) waits for the validator.
            post(bridge, "encounters", TestRecords.encounter(prefix + "-E", prefix + "-B0"));
            await().atMost(Duration.ofMinutes(2)).until(() -> HeldBackValidator.ASKED.get() > 0);
            assertThat(FakeEhr.writes(ehr)).as("nothing of the encounter before the validator is ready")
                    .noneMatch(w -> w.identifier() != null && w.identifier().contains(prefix + "-E"));
            HeldBackValidator.LET_GO.countDown();
            await().atMost(COLD).until(() -> FakeEhr.writes(ehr).stream()
                    .anyMatch(w -> w.stored() && w.identifier() != null && w.identifier().contains(prefix + "-E")));
            System.out.printf("GateWarmRestartTest: start to first record in the EHR (bridge up after): cold %.1f s (%.1f s),"
                    + " warm %.1f s (%.1f s); load average %s%n",
                    coldSeconds, coldUp, warmSeconds, warmUp, Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }

    private ConfigurableApplicationContext start(Path database, boolean holdValidatorBack) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(KetaBridgeApplication.class);
        if (holdValidatorBack) {
            builder.initializers(context -> context.addBeanFactoryPostProcessor(GateWarmRestartTest::holdValidatorBack));
        }
        return builder.run(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:file:" + database.toAbsolutePath() + ";WRITE_DELAY=0",
                "--bridge.security.local-key-dir=" + TestTokens.KEY_DIR.toAbsolutePath(),
                "--bridge.auditor-store.enabled=false",
                "--bridge.sync.poll-interval=100ms",
                "--bridge.clinics[0].id=warm", "--bridge.clinics[0].time-zone=UTC",
                "--bridge.clinics[0].ehr.type=fhir", "--bridge.clinics[0].ehr.base-url=" + ehr.baseUrl() + "/fhir",
                "--bridge.clinics[0].ehr.write-mode=per-resource",
                "--logging.level.root=WARN", "--logging.level.org.ketabridge.validation=INFO");
    }

    /** The bridge's validator replaced by one whose readiness the test lets go. */
    private static void holdValidatorBack(ConfigurableListableBeanFactory beans) {
        BeanDefinitionRegistry registry = (BeanDefinitionRegistry) beans;
        registry.removeBeanDefinition("resourceValidator");
        RootBeanDefinition heldBack = new RootBeanDefinition(HeldBackValidator.class);
        heldBack.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
        registry.registerBeanDefinition("resourceValidator", heldBack);
    }

    /** HAPI's validator, loading as usual, but not ready (nor validating) until the test lets it go. */
    static final class HeldBackValidator extends ResourceValidator {
        static final CountDownLatch LET_GO = new CountDownLatch(1);
        static final AtomicInteger ASKED = new AtomicInteger();

        public HeldBackValidator(FhirContext fhir, Terminology terms) {
            super(fhir, terms);
        }

        @Override
        public boolean isReady() {
            return LET_GO.getCount() == 0 && super.isReady();
        }

        @Override
        public void check(MappedRecord record) {
            ASKED.incrementAndGet();
            super.check(record);
        }

        @Override
        List<ValidationMessage> errorMessages(Resource resource) {
            try {
                LET_GO.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.errorMessages(resource);
        }
    }

    private static String patients(String prefix, int n) {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < n; i++) {
            ndjson.append(TestRecords.patient(prefix + i)).append('\n');
        }
        return ndjson.toString();
    }

    private void post(ConfigurableApplicationContext bridge, String kind, String ndjson) throws Exception {
        int port = Integer.parseInt(bridge.getEnvironment().getProperty("local.server.port"));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/clinics/warm/" + kind))
                .header("Authorization", "Bearer " + TestTokens.admin()).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private long sentPatients() {
        return FakeEhr.writes(ehr).stream().filter(w -> w.stored() && w.identifier() != null && w.identifier().contains("/mrn|")).count();
    }

    private long firstWrite() {
        return FakeEhr.writes(ehr).stream().filter(FakeEhr.Write::stored).mapToLong(FakeEhr.Write::arrivedAt).min().orElseThrow();
    }
}
