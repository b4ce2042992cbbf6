package org.ketabridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.KetaBridgeApplication;
import org.ketabridge.auditor.feed.StoreBatchWriter;
import org.ketabridge.auditor.feed.StoreRecordWriter;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.RecordValidators;
import org.ketabridge.intake.ValidatedRecord;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.record.RecordKind;
import org.ketabridge.record.RecordReferences;
import org.ketabridge.support.TestTokens;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the auditors' store spends per record (issue 16, "the other half of the CPU"): starts
 * the bridge in-process with two store-only clinics on a fresh H2 file, maps the harness's
 * synthetic workload as the store route does (store ids; mapping and validation are done before
 * the clock starts: they are not the store's cost), writes one clinic's records to warm up, then
 * the other's, measured, as the store route writes them ({@code --per-transaction} records per
 * store transaction, {@link StoreBatchWriter}; 1 is how it wrote before): CPU per record (the writing thread's, and the whole process's, which
 * includes HAPI's and H2's background work), records per second, and the rows HAPI's index
 * tables gained per record. A JFR recording of the measured part says where the writing thread's
 * time goes ({@link StoreIngestProfile}).
 *
 * <pre>./mvnw -B -ntp -Pbench test-compile exec:exec -Dbench.main=org.ketabridge.bench.StoreIngestBench -Dbench.args="--patients 40 --per-transaction 25"</pre>
 */
public final class StoreIngestBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int patients = Integer.parseInt(option(args, "--patients", "40"));
        boolean profile = !"off".equals(option(args, "--profile", "on"));
        int perTransaction = Integer.parseInt(option(args, "--per-transaction", "25"));
        Path dir = Path.of("target/bench-store-ingest");
        deleteRecursively(dir);
        Files.createDirectories(dir);
        ConfigurableApplicationContext bridge = new SpringApplicationBuilder(KetaBridgeApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:file:" + dir.toAbsolutePath().resolve("db") + ";WRITE_DELAY=0",
                "--spring.datasource.username=sa", "--spring.datasource.password=",
                "--bridge.security.local-key-dir=" + TestTokens.KEY_DIR.toAbsolutePath(),
                "--bridge.clinics[0].id=warm", "--bridge.clinics[0].time-zone=America/Denver", "--bridge.clinics[0].ehr.type=none",
                "--bridge.clinics[1].id=bench", "--bridge.clinics[1].time-zone=America/Denver", "--bridge.clinics[1].ehr.type=none",
                "--logging.level.root=WARN", "--logging.level.org.ketabridge=WARN");
        int exit = 0;
        try {
            AuditorStore store = bridge.getBean(AuditorStore.class);
            StoreSearchBench.awaitReady(store);
            ClinicRegistry clinics = bridge.getBean(ClinicRegistry.class);
            FhirMapper mapper = bridge.getBean(FhirMapper.class);
            JdbcClient jdbc = bridge.getBean(JdbcClient.class);
            Workload workload = new Workload(List.of("warm", "bench"), patients);
            List<Bundle> warm = records(workload, clinics.find("warm").orElseThrow(), mapper);
            List<Bundle> measured = records(workload, clinics.find("bench").orElseThrow(), mapper);

            write(store, "warm", warm, perTransaction);
            System.gc();
            Map<String, Long> before = indexRows(jdbc);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            StoreIngestProfile recording = profile ? StoreIngestProfile.start() : null;
            long process0 = os.getProcessCpuTime();
            long thread0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            write(store, "bench", measured, perTransaction);
            long wall = System.nanoTime() - wall0;
            long thread = threads.getCurrentThreadCpuTime() - thread0;
            long process = os.getProcessCpuTime() - process0;
            Map<String, Long> after = indexRows(jdbc);

            int n = measured.size();
            System.out.printf("%nstore ingest: %d records (%d patients), %d records per store transaction%n", n, patients,
                    perTransaction);
            System.out.printf("  writing thread CPU: %.2f ms per record%n", thread / 1e6 / n);
            System.out.printf("  process CPU:        %.2f ms per record (all threads: HAPI, H2, GC)%n", process / 1e6 / n);
            System.out.printf("  throughput:         %.0f records/s (one writing thread, %.1f s)%n", n / (wall / 1e9), wall / 1e9);
            System.out.println("  index rows per record:");
            long total = 0;
            for (String table : after.keySet()) {
                long added = after.get(table) - before.getOrDefault(table, 0L);
                total += table.startsWith("HFJ_RESOURCE") || table.startsWith("HFJ_RES_VER") ? 0 : added;
                System.out.printf("    %-26s %7.2f%n", table, added / (double) n);
            }
            System.out.printf("    %-26s %7.2f%n", "index rows (all above but resources)", total / (double) n);
            if (recording != null) {
                recording.stopAndReport(dir.resolve("ingest.jfr"), Thread.currentThread().getName());
            }
        } catch (Exception e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            bridge.close();
            System.exit(exit);
        }
    }

    /** One clinic's records, each as the store route makes its transaction (store ids), in the workload's order. */
    private static List<Bundle> records(Workload workload, Clinic clinic, FhirMapper mapper) throws Exception {
        RecordValidators validators = RecordValidators.standard();
        List<Bundle> out = new ArrayList<>();
        for (Workload.Batch b : workload.batches(50)) {
            if (!b.clinicId().equals(clinic.id())) {
                continue;
            }
            RecordKind kind = RecordKind.fromCollection(b.kind()).orElseThrow();
            for (String line : b.lines()) {
                ValidatedRecord r = validators.validate(kind, JSON.readTree(line), clinic, Instant.now()).record();
                MappedRecord mapped = mapper.map(new MappingInput(clinic, kind, r.recordId(), 1, r.content().toString(), null,
                        "bench", OffsetDateTime.parse("2026-09-01T08:00:00Z"),
                        StoreRecordWriter.references(clinic, RecordReferences.of(kind, r.recordId(), r.patientMrn(), r.encounterId(), null)),
                        null));
                out.add(StoreRecordWriter.transaction(mapped));
            }
        }
        return out;
    }

    /** As the store route writes: {@code perTransaction} records' transactions as one, in their clinic's partition. */
    private static void write(AuditorStore store, String clinicId, List<Bundle> records, int perTransaction) {
        for (int i = 0; i < records.size(); i += perTransaction) {
            List<Bundle> batch = records.subList(i, Math.min(records.size(), i + perTransaction));
            store.storeRecord(clinicId, batch.size() == 1 ? batch.get(0) : StoreBatchWriter.oneTransaction(batch));
        }
    }

    /** Rows of HAPI's resource and index tables (search parameters, references, combos). */
    static Map<String, Long> indexRows(JdbcClient jdbc) {
        List<String> tables = jdbc.sql("select table_name from information_schema.tables where table_schema = 'PUBLIC'"
                        + " and (table_name like 'HFJ_SPIDX_%' or table_name like 'HFJ_IDX_%' or table_name in"
                        + " ('HFJ_RES_LINK', 'HFJ_RESOURCE', 'HFJ_RES_VER', 'HFJ_RES_TAG', 'HFJ_RES_PARAM_PRESENT')) order by table_name")
                .query(String.class).list();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String t : tables) {
            rows.put(t, jdbc.sql("select count(*) from " + t).query(Long.class).single());
        }
        return rows;
    }

    private static String option(String[] args, String name, String fallback) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
