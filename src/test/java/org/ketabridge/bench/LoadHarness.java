package org.ketabridge.bench;

import org.ketabridge.support.TestTokens;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ketabridge.demo.DemoEhrServer;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TransactionResponder;

/**
 * The load harness: a synthetic workload pushed over HTTP NDJSON by several clients into a
 * bridge running as its own process, synced to an EHR on loopback, either a real HAPI FHIR JPA
 * server ({@code hapi}) or a stand-in that answers every write at once ({@code instant}).
 * Reports start-up, accept rate, end-to-end rate, accept-to-EHR latency, the bridge's RSS, and
 * checks that every record arrived exactly once (a run that loses or doubles anything fails).
 *
 * <p>{@code --ehr direct} is mode (c), the EHR's own ingest ({@link DirectIngest}); {@code --ehr
 * ratio} runs (c), then (b) (the bridge with the instant EHR), in one run, and prints (b)/(c);
 * {@code --rate half} offers the bridge half of (c)'s rate, (c) measured first in the same run,
 * in batches of {@code --paced-batch} (after (b) with {@code --ehr ratio}).
 *
 * <pre>./mvnw -Pbench test-compile exec:exec -Dbench.main=org.ketabridge.bench.LoadHarness \
 *     -Dbench.args="--ehr ratio --rate half --clinics 2 --patients 50 --clients 4 --paced-batch 4"</pre>
 */
public final class LoadHarness {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code rate}: records per second offered (0: as fast as the clients can post).
     * {@code warmupPatients}: the patients of a warm-up clinic synced first, unmeasured (0: none,
     * except for a paced run, which always warms up with 4: its latency is the warm bridge's).
     * {@code store}: the bridge's auditors' store on (as by default) or off (what the bridge's own
     * work costs without HAPI's ingest of every record into /fhir).
     */
    public record Options(String ehr, int clinics, int patients, int clients, int batch, double rate, Path work,
                          int warmupPatients, boolean store) {

        public Options(String ehr, int clinics, int patients, int clients, int batch, double rate, Path work) {
            this(ehr, clinics, patients, clients, batch, rate, work, 0, true);
        }

        Options on(String otherEhr) {
            return new Options(otherEhr, clinics, patients, clients, batch, rate, work, warmupPatients, store);
        }

        Options paced(double recordsPerSecond, int batchSize) {
            return new Options(ehr, clinics, patients, clients, batchSize, recordsPerSecond, work, warmupPatients, store);
        }

        /** A run of its own: the bridge's H2 file and clinics file in a directory of their own. */
        Options in(Path directory) throws IOException {
            return new Options(ehr, clinics, patients, clients, batch, rate, Files.createDirectories(directory), warmupPatients, store);
        }

        int warmup() {
            return rate > 0 ? Math.max(4, warmupPatients) : warmupPatients;
        }

        String label() {
            return (rate > 0 ? String.format("%s, offered at %.1f records/s", ehr, rate) : ehr) + (store ? "" : ", auditors' store off");
        }
    }

    public record Report(String ehr, int records, double startupToHealthSeconds, double acceptPerSecond,
                         double endToEndRecordsPerSecond, long p50Millis, long p95Millis, long p99Millis,
                         long peakRssMb, double bridgeCpuSeconds, Map<String, Integer> heldPerSystem, boolean exactlyOnce) {

        String markdownRow() {
            return String.format("| %s | %d | %.1f s | %.0f | %.0f | %d / %d / %d ms | %d MiB | %.0f s | %s |", ehr, records,
                    startupToHealthSeconds, acceptPerSecond, endToEndRecordsPerSecond, p50Millis, p95Millis, p99Millis,
                    peakRssMb, bridgeCpuSeconds, exactlyOnce ? "yes" : "NO");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        // --rate half: offered at half of (c), the EHR's direct ingest, measured first in the same run.
        boolean halfOfDirect = "half".equals(a.get("rate"));
        Options options = new Options(a.getOrDefault("ehr", "instant"), Integer.parseInt(a.getOrDefault("clinics", "2")),
                Integer.parseInt(a.getOrDefault("patients", "50")), Integer.parseInt(a.getOrDefault("clients", "4")),
                Integer.parseInt(a.getOrDefault("batch", "200")), halfOfDirect ? 0 : Double.parseDouble(a.getOrDefault("rate", "0")),
                Files.createTempDirectory("ketabridge-load"), Integer.parseInt(a.getOrDefault("warmup", "0")),
                !"off".equals(a.getOrDefault("store", "on")));
        int pacedBatch = Integer.parseInt(a.getOrDefault("paced-batch", String.valueOf(options.batch())));
        LoadHarness harness = new LoadHarness();
        boolean exact = switch (options.ehr()) {
            case "direct" -> harness.printDirect(options).exactlyOnce();
            case "none" -> harness.runAcceptOnly(options);
            case "ratio" -> harness.runRatio(options, halfOfDirect, pacedBatch);
            default -> halfOfDirect ? harness.runAtHalfOfDirect(options, pacedBatch) : printReports(List.of(harness.run(options)));
        };
        System.exit(exact ? 0 : 1);
    }

    /** Mode (c), then (b) on a fresh bridge with the instant EHR, in one run: (b)/(c), and, if asked, (b) at half of (c). */
    private boolean runRatio(Options o, boolean halfOfDirect, int pacedBatch) throws Exception {
        Direct c = printDirect(o.in(o.work().resolve("c")));
        Report b = run(o.on("instant").in(o.work().resolve("b")));
        List<Report> reports = new ArrayList<>(List.of(b));
        if (halfOfDirect) {
            reports.add(run(o.on("instant").paced(c.recordsPerSecond() / 2, pacedBatch).in(o.work().resolve("half"))));
        }
        boolean exact = printReports(reports) && c.exactlyOnce();
        System.out.printf("(b) / (c) = %.1f / %.1f records/s = %.2f (goal ≥ 2)%n", b.endToEndRecordsPerSecond(),
                c.recordsPerSecond(), b.endToEndRecordsPerSecond() / c.recordsPerSecond());
        if (halfOfDirect) {
            printHalf(c, reports.get(1));
        }
        return exact;
    }

    /** Mode (c), then the bridge on {@code o}'s EHR offered half of (c)'s rate. */
    private boolean runAtHalfOfDirect(Options o, int pacedBatch) throws Exception {
        Direct c = printDirect(o.in(o.work().resolve("c")));
        Report half = run(o.paced(c.recordsPerSecond() / 2, pacedBatch).in(o.work().resolve("half")));
        boolean exact = printReports(List.of(half)) && c.exactlyOnce();
        printHalf(c, half);
        return exact;
    }

    private static void printHalf(Direct c, Report half) {
        System.out.printf("offered at half of (c): %.1f records/s; accept → EHR p99 %d ms (goal ≤ 1,000 ms)%n",
                c.recordsPerSecond() / 2, half.p99Millis());
    }

    private static boolean printReports(List<Report> reports) {
        System.out.println("| EHR | records | start to health | accepted/s | end to end records/s | accept → EHR p50 / p95 / p99 | bridge peak RSS | bridge CPU, accept to synced | exactly once |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        boolean exact = true;
        for (Report report : reports) {
            System.out.println(report.markdownRow());
            System.out.println("held per identifier system (each clinic): " + report.heldPerSystem());
            exact &= report.exactlyOnce();
        }
        return exact;
    }

    /** Mode (c)'s outcome: its rate, and what HAPI holds afterwards (each resource exactly once). */
    record Direct(DirectIngest.Result result, Map<String, Integer> heldPerSystem, boolean exactlyOnce) {

        double recordsPerSecond() {
            return result.records() / result.seconds();
        }
    }

    /** Mode (c): the same writes straight into a fresh HAPI server, no bridge. */
    Direct printDirect(Options o) throws Exception {
        List<String> clinicIds = clinicIds(o);
        Workload workload = new Workload(clinicIds, o.patients());
        try (DemoEhrServer hapi = DemoEhrServer.start(0)) {
            Workload warmUp = workload.warmUp(o.warmupPatients());
            if (o.warmupPatients() > 0) { // as the bridge's warm-up: the same clinics, other patients, unmeasured
                new DirectIngest().run(hapi.baseUrl(), clinicIds, warmUp, o.clients(), o.batch());
            }
            DirectIngest.Result r = new DirectIngest().run(hapi.baseUrl(), clinicIds, workload, o.clients(), o.batch());
            Map<String, Integer> held = new LinkedHashMap<>();
            Map<String, Integer> expected = o.warmupPatients() > 0 ? workload.expectedIdentifiersAfter(warmUp) : workload.expectedIdentifiers();
            boolean exactlyOnce = countEach(expected, clinicIds, held, (kind, system) -> countInHapi(hapi.baseUrl(), kind, system));
            System.out.println("| EHR | records | time | records/s | resources/s | 409s retried | exactly once |");
            System.out.println("|---|---|---|---|---|---|---|");
            System.out.printf("| direct into HAPI (c), no bridge | %d records, %d resources | %.1f s | %.1f records/s | %.0f resources/s | %d | %s |%n",
                    r.records(), r.resources(), r.seconds(), r.records() / r.seconds(), r.resources() / r.seconds(),
                    r.conflictsRetried(), exactlyOnce ? "yes" : "NO");
            System.out.println("held per identifier system (each clinic): " + held);
            return new Direct(r, held, exactlyOnce);
        }
    }

    /**
     * Durable accept alone: store-only clinics and the auditors' store's consumer off, so nothing
     * but intake runs. A warm-up clinic's workload goes first (unmeasured: the JIT), then the
     * workload is pushed twice: new records, then the same lines again (unchanged resends).
     * Every record must be counted accepted once, then unchanged once. The bridge's CPU time
     * per pass shows whether the bridge or the clients (same machine) set the pace.
     */
    public boolean runAcceptOnly(Options o) throws Exception {
        List<String> clinicIds = clinicIds(o);
        List<String> configured = new ArrayList<>(clinicIds);
        configured.add("warmup");
        Workload workload = new Workload(clinicIds, o.patients());
        int port = BridgeProcess.freePort();
        Process bridge = BridgeProcess.start(o.work(), port, writeClinics(o.work(), configured, null),
                "--logging.level.org.ketabridge=WARN", "--bridge.auditor-store.enabled=false");
        try {
            awaitHealth(port);
            push(port, new Workload(List.of("warmup"), o.patients()).batches(o.batch()), o.clients(), 0, new ConcurrentLinkedQueue<>());
            boolean exact = true;
            System.out.println("| push | records | seconds | records/s | bridge CPU s | accepted | unchanged | rejected |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (String pass : List.of("new records", "unchanged resends")) {
                ConcurrentLinkedQueue<JsonNode> answers = new ConcurrentLinkedQueue<>();
                double cpuBefore = cpuSeconds(bridge.pid());
                long start = System.nanoTime();
                push(port, workload.batches(o.batch()), o.clients(), o.rate(), answers);
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = cpuSeconds(bridge.pid()) - cpuBefore;
                int accepted = answers.stream().mapToInt(r -> r.get("accepted").asInt()).sum();
                int unchanged = answers.stream().mapToInt(r -> r.get("unchanged").asInt()).sum();
                int rejected = answers.stream().mapToInt(r -> r.get("rejected").asInt()).sum();
                int records = workload.recordCount();
                System.out.printf("| %s | %d | %.2f | %.0f | %.1f | %d | %d | %d |%n", pass, records, seconds, records / seconds,
                        cpu, accepted, unchanged, rejected);
                exact &= accepted == records && rejected == 0 && unchanged == (pass.startsWith("new") ? 0 : records);
            }
            System.out.println("bridge peak RSS: " + peakRssMb(bridge.pid()) + " MiB; every record accepted once: " + exact);
            return exact;
        } finally {
            bridge.destroy();
            bridge.waitFor();
        }
    }

    /** User plus system CPU time of a process so far (/proc/PID/stat, clock ticks of 10 ms). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    public Report run(Options o) throws Exception {
        List<String> clinicIds = clinicIds(o);
        Workload workload = new Workload(clinicIds, o.patients());
        WireMockServer instant = null;
        DemoEhrServer hapi = null;
        String ehrBase;
        if ("hapi".equals(o.ehr())) {
            hapi = DemoEhrServer.start(0);
            ehrBase = hapi.baseUrl();
        } else {
            instant = new WireMockServer(wireMockConfig().dynamicPort().extensions(new TransactionResponder())
                    .containerThreads(32).jettyAcceptors(2));
            instant.start();
            FakeEhr.acceptEverything(instant);
            ehrBase = instant.baseUrl() + "/fhir";
        }
        Process bridge = null;
        try {
            int port = BridgeProcess.freePort();
            List<String> configured = new ArrayList<>(clinicIds);
            configured.add("warmup");
            Path clinics = writeClinics(o.work(), configured, ehrBase);
            long started = System.nanoTime();
            bridge = BridgeProcess.start(o.work(), port, clinics, "--logging.level.org.ketabridge=WARN",
                    "--bridge.auditor-store.enabled=" + o.store());
            awaitHealth(port);
            double startup = (System.nanoTime() - started) / 1e9;
            Workload warmUp = workload.warmUp(o.warmup());
            if (o.warmup() > 0) {
                // A rate or a latency at a given load is the warm bridge's: other patients of the same clinics go first, unmeasured.
                push(port, warmUp.batches(o.batch()), o.clients(), 0, new ConcurrentLinkedQueue<>());
                awaitSynced(port, clinicIds, Duration.ofMinutes(10));
            }

            ConcurrentLinkedQueue<JsonNode> answers = new ConcurrentLinkedQueue<>();
            ValidationCounts validatedBefore = validationCounts(port);
            double cpuAtStart = cpuSeconds(bridge.pid());
            // For a profile of the bridge (-Dbridge.jvm-options): the measured part starts here.
            System.out.println("measured from " + java.time.Instant.now());
            long acceptStart = System.nanoTime();
            push(port, workload.batches(o.batch()), o.clients(), o.rate(), answers);
            double acceptSeconds = (System.nanoTime() - acceptStart) / 1e9;
            awaitSynced(port, clinicIds, Duration.ofMinutes(30));
            double endToEndSeconds = (System.nanoTime() - acceptStart) / 1e9;
            double bridgeCpu = cpuSeconds(bridge.pid()) - cpuAtStart;

            List<Long> latencies = latencies(port, answers);
            System.out.println(validationCounts(port).since(validatedBefore));
            long peakRss = peakRssMb(bridge.pid());
            Map<String, Integer> held = new LinkedHashMap<>();
            DemoEhrServer realEhr = hapi;
            WireMockServer standIn = instant;
            Map<String, Integer> expected = o.warmup() > 0 ? workload.expectedIdentifiersAfter(warmUp) : workload.expectedIdentifiers();
            boolean exactlyOnce = countEach(expected, clinicIds, held, (kind, system) -> realEhr != null
                    ? countInHapi(realEhr.baseUrl(), kind, system) : countInStandIn(standIn, system));
            int records = workload.recordCount();
            return new Report(o.label(), records, startup, records / acceptSeconds, records / endToEndSeconds,
                    percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99), peakRss, bridgeCpu, held, exactlyOnce);
        } finally {
            if (bridge != null) {
                bridge.destroy();
                bridge.waitFor();
            }
            if (instant != null) {
                instant.stop();
            }
            if (hapi != null) {
                hapi.close();
            }
        }
    }

    /**
     * Posts every batch; each 202's receipt is added to {@code answers}. At a {@code rate}
     * (records/s), each batch leaves when the records before it have had their time.
     */
    void push(int port, List<Workload.Batch> batches, int clients, double rate, ConcurrentLinkedQueue<JsonNode> answers)
            throws Exception {
        // Kinds go in order (patients, encounters, doses, scores), each kind's batches in parallel.
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long offered = 0;
        try {
            for (String kind : List.of("patients", "encounters", "doses", "scores")) {
                List<Future<?>> sent = new ArrayList<>();
                for (Workload.Batch b : batches) {
                    if (b.kind().equals(kind)) {
                        if (rate > 0) {
                            long due = start + (long) (offered / rate * 1e9);
                            Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                            offered += b.lines().size();
                        }
                        sent.add(pool.submit(() -> {
                            HttpResponse<String> r = post(port, "/api/v1/clinics/" + b.clinicId() + "/" + b.kind(),
                                    String.join("\n", b.lines()) + "\n");
                            if (r.statusCode() != 202) {
                                throw new IllegalStateException("intake answered " + r.statusCode() + ": " + r.body());
                            }
                            answers.add(JSON.readTree(r.body()));
                            return null;
                        }));
                    }
                }
                for (Future<?> f : sent) {
                    f.get();
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    void awaitSynced(int port, List<String> clinicIds, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            boolean done = true;
            for (String clinic : clinicIds) {
                JsonNode tasks = JSON.readTree(get(port, "/api/v1/clinics/" + clinic + "/sync").body()).get("tasks");
                if (tasks.get("dead").asInt() > 0) {
                    throw new IllegalStateException("dead letters in clinic " + clinic + ": not a result");
                }
                done &= tasks.get("pending").asInt() == 0 && tasks.get("waiting").asInt() == 0;
            }
            if (done) {
                return;
            }
            // Not more often: each look is two audited status queries in the measured bridge (at 100 ms,
            // 20 a second with two clinics, 8 % of its CPU in a profile of session 12). It ends the
            // end-to-end time at most 0.5 s late; per-record latencies come from the receipts.
            Thread.sleep(500);
        }
        throw new IllegalStateException("not synced within " + limit);
    }

    /** Accept → EHR per record: the receipt's time of receipt to the record's sentAt. */
    private List<Long> latencies(int port, ConcurrentLinkedQueue<JsonNode> receipts) throws Exception {
        List<Long> out = new ArrayList<>();
        for (JsonNode r : receipts) {
            JsonNode status = JSON.readTree(get(port, "/api/v1/clinics/" + r.get("clinicId").asText() + "/receipts/"
                    + r.get("receiptId").asText()).body());
            OffsetDateTime received = OffsetDateTime.parse(status.get("receivedAt").asText());
            for (JsonNode record : status.get("records")) {
                if (record.hasNonNull("sentAt")) {
                    out.add(Duration.between(received, OffsetDateTime.parse(record.get("sentAt").asText())).toMillis());
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    /** How many resources an identifier system holds in the EHR (kind: the system's last segment). */
    @FunctionalInterface
    interface HeldCount {
        int count(String kind, String system) throws Exception;
    }

    /** Counts each identifier system of each clinic into {@code held}: true if each holds exactly what was sent. */
    private static boolean countEach(Map<String, Integer> expected, List<String> clinicIds, Map<String, Integer> held, HeldCount ehr)
            throws Exception {
        boolean exactlyOnce = true;
        for (String clinic : clinicIds) {
            for (Map.Entry<String, Integer> e : expected.entrySet()) {
                int count = ehr.count(e.getKey(), "urn:ketabridge:" + clinic + "/" + e.getKey());
                held.merge(e.getKey(), count, Integer::sum);
                exactlyOnce &= count == e.getValue();
            }
        }
        return exactlyOnce;
    }

    private static List<String> clinicIds(Options o) {
        List<String> clinicIds = new ArrayList<>();
        for (int i = 1; i <= o.clinics(); i++) {
            clinicIds.add("load" + i);
        }
        return clinicIds;
    }

    private int countInHapi(String base, String kind, String system) throws Exception {
        String type = switch (kind) {
            case "mrn" -> "Patient";
            case "encounter" -> "Encounter";
            case "series" -> "EpisodeOfCare";
            case "clinic" -> "Organization";
            case "dose" -> "MedicationAdministration";
            default -> "Observation";
        };
        String url = base + "/" + type + "?_summary=count&identifier=" + URLEncoder.encode(system + "|", StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get("total").asInt();
    }

    private static int countInStandIn(WireMockServer ehr, String system) {
        return (int) FakeEhr.writes(ehr).stream()
                .filter(w -> w.stored() && w.identifier() != null && w.identifier().startsWith(system + "|"))
                .map(FakeEhr.Write::identifier).distinct().count();
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static long peakRssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    static Path writeClinics(Path work, List<String> clinicIds, String ehrBase) throws IOException {
        StringBuilder yaml = new StringBuilder("bridge:\n  sync:\n    poll-interval: 100ms\n  clinics:\n");
        for (String id : clinicIds) {
            yaml.append("    - id: ").append(id).append("\n      time-zone: America/Denver\n      ehr:\n");
            if (ehrBase == null) {
                yaml.append("        type: none\n");
            } else {
                yaml.append("        type: fhir\n        base-url: ").append(ehrBase).append("\n        write-mode: transaction\n")
                        .append("        max-in-flight: 2\n");
            }
        }
        Path file = work.resolve("clinics.yaml");
        Files.writeString(file, yaml);
        return file;
    }


    /** How many record versions the bridge validated so far: passed by the gate, or by HAPI's full validator (and its time). */
    record ValidationCounts(double gatePassed, double full, double fullSeconds) {

        String since(ValidationCounts before) {
            return String.format("validation, measured part: %.0f versions passed by the gate, %.0f by HAPI's full validator"
                    + " (%.1f s in it, on all threads)", gatePassed - before.gatePassed, full - before.full, fullSeconds - before.fullSeconds);
        }
    }

    private ValidationCounts validationCounts(int port) throws Exception {
        JsonNode passes = JSON.readTree(get(port, "/actuator/metrics/ketabridge.validation.gate.passes").body());
        JsonNode full = JSON.readTree(get(port, "/actuator/metrics/ketabridge.validation").body());
        return new ValidationCounts(statistic(passes, "COUNT"), statistic(full, "COUNT"), statistic(full, "TOTAL_TIME"));
    }

    private static double statistic(JsonNode metric, String name) {
        for (JsonNode m : metric.path("measurements")) {
            if (name.equals(m.path("statistic").asText())) {
                return m.path("value").asDouble();
            }
        }
        return Double.NaN;
    }

    private void awaitHealth(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get(port, "/actuator/health/readiness").statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("bridge not healthy within 120 s");
    }

    HttpResponse<String> post(int port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/x-ndjson").timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + TestTokens.admin())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + TestTokens.admin()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
