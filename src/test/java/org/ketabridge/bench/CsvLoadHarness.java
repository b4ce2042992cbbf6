package org.ketabridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ketabridge.support.BridgeClient;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.TestRecords;

/**
 * A large CSV drop into a running bridge (its own process, H2 file, a store-only clinic, the
 * auditors' store off: nothing but the CSV intake runs): a file of {@code --rows} doses is
 * generated, renamed into the clinic's inbox, and timed from the rename to the file's move to
 * {@code done/}; every row must be accepted once. The bridge's heap is measured three ways:
 * idle (after a forced full GC, once the FHIR validator has loaded), the largest heap left after
 * any GC during the run (the JVM's own GC log, {@code -Xlog:gc}: what the run keeps alive,
 * garbage aside), and the largest heap in use sampled every 200 ms ({@code jvm.memory.used},
 * garbage included, so mostly how lazily G1 collects under {@code -Xmx1g}).
 *
 * <pre>./mvnw -Pbench test-compile exec:exec -Dbench.main=org.ketabridge.bench.CsvLoadHarness \
 *     -Dbench.args="--rows 1000000"</pre>
 */
public final class CsvLoadHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLINIC = "csvload";
    private static final Pattern GC_LINE = Pattern.compile("^\\[(\\d+\\.\\d+)s\\].*Pause (?:Young|Full).*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int rows = Integer.parseInt(a.getOrDefault("rows", "1000000"));
        int rowsPerPart = Integer.parseInt(a.getOrDefault("rows-per-part", "1000"));
        System.exit(run(rows, rowsPerPart, Files.createTempDirectory("ketabridge-csv-load")) ? 0 : 1);
    }

    static boolean run(int rows, int rowsPerPart, Path work) throws Exception {
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Path clinics = work.resolve("clinics.yaml");
        Files.writeString(clinics, """
                bridge:
                  csv:
                    rows-per-part: %d
                    poll-period-ms: 100
                  clinics:
                    - id: %s
                      time-zone: America/Denver
                      inbox: %s
                      ehr:
                        type: none
                """.formatted(rowsPerPart, CLINIC, inbox));
        String fileName = "doses-load.csv";
        Path generated = inbox.resolve(fileName + ".part");
        long bytes = writeDoses(generated, rows);

        Path gcLog = work.resolve("gc.log");
        int port = BridgeProcess.freePort();
        BridgeClient client = new BridgeClient(port);
        Process bridge = BridgeProcess.start(work, port, clinics, List.of("-Xlog:gc:file=" + gcLog + ":uptime"),
                "--logging.level.org.ketabridge=WARN", "--bridge.auditor-store.enabled=false");
        try {
            client.awaitUp(Duration.ofSeconds(240));
            // Idle: the validator's definitions are loaded once health says UP (UNKNOWN until then).
            awaitHealthUp(client);
            fullGc(bridge.pid());
            long idleHeap = heapUsed(client);

            double cpuBefore = LoadHarness.cpuSeconds(bridge.pid());
            double uptimeAtDrop = uptime(client);
            AtomicLong peakUsed = new AtomicLong(idleHeap);
            Thread sampler = new Thread(() -> sampleHeap(client, peakUsed));
            sampler.setDaemon(true);
            sampler.start();
            long start = System.nanoTime();
            Files.move(generated, inbox.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
            Path done = inbox.resolve("done").resolve(fileName);
            Path refused = inbox.resolve("refused").resolve(fileName);
            while (!Files.exists(done) && !Files.exists(refused)) {
                if (!bridge.isAlive()) {
                    throw new IllegalStateException("the bridge died during the run (see " + work + ")");
                }
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            sampler.interrupt();
            double cpu = LoadHarness.cpuSeconds(bridge.pid()) - cpuBefore;
            double uptimeAtDone = uptime(client);

            JsonNode report = JSON.readTree(inbox.resolve(Files.exists(done) ? "done" : "refused")
                    .resolve(fileName + ".report.json").toFile());
            boolean exact = Files.exists(done) && report.get("accepted").asInt() == rows
                    && report.get("rejected").asInt() == 0 && report.get("rowsRead").asInt() == rows;
            long peakAfterGc = peakAfterGc(gcLog, uptimeAtDrop, uptimeAtDone);
            System.out.println("| rows | file | drop → done | rows/s | bridge CPU | idle heap (after full GC) | peak heap after a GC"
                    + " (above idle) | peak heap in use, sampled (above idle) | bridge peak RSS | every row once |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            System.out.printf("| %,d | %,d MB | %.1f s | %,.0f | %.1f s | %d MiB | %d MiB (%+d) | %d MiB (%+d) | %d MiB | %s |%n",
                    rows, bytes / 1_000_000, seconds, rows / seconds, cpu, mib(idleHeap), mib(peakAfterGc),
                    mib(peakAfterGc - idleHeap), mib(peakUsed.get()), mib(peakUsed.get() - idleHeap),
                    LoadHarness.peakRssMb(bridge.pid()), exact ? "yes" : "NO: " + report);
            System.out.println("work folder (bridge log, gc.log, the report): " + work);
            return exact;
        } finally {
            bridge.destroy();
            bridge.waitFor();
            // What is large (the database, the file itself) goes; the logs and the report stay.
            Files.deleteIfExists(work.resolve("bridge.mv.db"));
            Files.deleteIfExists(inbox.resolve("done").resolve(fileName));
            Files.deleteIfExists(inbox.resolve("refused").resolve(fileName));
            Files.deleteIfExists(generated);
        }
    }

    /** Synthetic doses, one per row: each its own encounter, four to a patient, ketamine IV at 0.5 mg/kg. */
    private static long writeDoses(Path file, int rows) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("doseId,encounterId,patientMrn,medication,route,status,doseMg,weightKg,start,end,lotNumber,"
                    + "administeredByNpi\n");
            for (int i = 1; i <= rows; i++) {
                int day = 1 + i % 28;
                String date = "2026-10-" + (day < 10 ? "0" : "") + day;
                out.write("LD-" + i + ",LE-" + i + ",LP-" + (i / 4) + ",ketamine,IV,completed," + (30 + i % 10) + ","
                        + (60 + i % 10) + "," + date + "T09:05:00," + date + "T09:45:00,KET-" + (i % 100) + ","
                        + TestRecords.NPI_NURSE + "\n");
            }
        }
        return Files.size(file);
    }

    private static void awaitHealthUp(BridgeClient client) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if ("UP".equals(JSON.readTree(client.get("/actuator/health").body()).path("status").asText())) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the bridge's health is not UP within 3 minutes");
    }

    /** A full collection in the bridge (jcmd GC.run), so the idle figure is what is alive, not what is not collected yet. */
    private static void fullGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process gc = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (gc.waitFor() != 0) {
            throw new IllegalStateException("jcmd GC.run failed");
        }
    }

    private static void sampleHeap(BridgeClient client, AtomicLong peak) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                peak.accumulateAndGet(heapUsed(client), Math::max);
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // a missed sample
            }
        }
    }

    private static long heapUsed(BridgeClient client) throws Exception {
        return metric(client, "jvm.memory.used?tag=area:heap");
    }

    private static double uptime(BridgeClient client) throws Exception {
        return JSON.readTree(client.get("/actuator/metrics/process.uptime").body()).get("measurements").get(0).get("value").asDouble();
    }

    private static long metric(BridgeClient client, String query) throws Exception {
        JsonNode m = JSON.readTree(client.get("/actuator/metrics/" + query).body());
        return (long) m.get("measurements").get(0).get("value").asDouble();
    }

    /**
     * The largest heap after a collection between two moments of the bridge's uptime, from its GC
     * log: after young and full pauses only (a remark or cleanup pause frees nothing of what is
     * in use, so its figure is not what is kept). Old garbage not yet collected counts too: a
     * figure above what is alive, never below.
     */
    private static long peakAfterGc(Path gcLog, double from, double to) throws IOException {
        long peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                double at = Double.parseDouble(m.group(1));
                if (at >= from && at <= to) {
                    peak = Math.max(peak, bytes(m.group(4), m.group(5)));
                }
            }
        }
        return peak;
    }

    private static long bytes(String amount, String unit) {
        long n = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
