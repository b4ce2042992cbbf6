package org.ketabridge.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ketabridge.support.BridgeClient;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.Hl7Messages;
import org.ketabridge.support.MllpClient;

/**
 * HL7 v2 intake throughput: messages per second from the client's socket to the committed ACK,
 * against the bridge as its own process (fresh H2 file database, {@code -Xmx1g}), its HL7
 * listener on loopback. Each connection sends one message, waits for its ACK, sends the next (as
 * MLLP does: one message in flight per connection). Every message carries new records (one dose
 * per RAS^O17, one PHQ-9 with nine items per ORU^R01) for a store-only clinic, with the auditors'
 * store off, so nothing but the listener and intake runs. The runs start once the bridge reports
 * itself UP (its FHIR validator loaded, which it does in the background after start), after a
 * warm-up pass on another clinic, unmeasured (the JIT, HAPI's v2 parser). A run where any message is not AA with its record
 * accepted exits non-zero.
 *
 * <pre>./mvnw -Pbench test-compile exec:exec -Dbench.main=org.ketabridge.bench.Hl7LoadHarness \
 *     -Dbench.args="--messages 2000 --connections 1,4 --types ORU,RAS"</pre>
 */
public final class Hl7LoadHarness {

    private static final Pattern ACCEPTED = Pattern.compile("(\\d+) accepted \\((\\d+) unchanged\\), (\\d+) refused");

    record Row(String type, int connections, int messages, double seconds, double perSecond, long p50Micros,
               long p99Micros, double bridgeCpuSeconds, boolean exact) {

        String markdown() {
            return String.format("| %s | %d | %d | %.1f | %.0f | %.1f / %.1f ms | %.1f s | %s |", type, connections, messages,
                    seconds, perSecond, p50Micros / 1000.0, p99Micros / 1000.0, bridgeCpuSeconds, exact ? "yes" : "NO");
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int messages = Integer.parseInt(a.getOrDefault("messages", "2000"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "1000"));
        List<Integer> connections = Arrays.stream(a.getOrDefault("connections", "1,4").split(",")).map(Integer::parseInt).toList();
        List<String> types = List.of(a.getOrDefault("types", "ORU,RAS").split(","));
        Path work = Files.createTempDirectory("ketabridge-hl7-load");

        int port = BridgeProcess.freePort();
        int mllpPort = BridgeProcess.freePort();
        Process bridge = BridgeProcess.start(work, port, clinics(work, mllpPort),
                "--logging.level.org.ketabridge=WARN", "--bridge.auditor-store.enabled=false");
        boolean exact = true;
        try {
            BridgeClient api = new BridgeClient(port);
            api.awaitUp(Duration.ofSeconds(240));
            // The FHIR validator loads in the background after start (CPU the runs must not be charged with).
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> api.get("/actuator/health").body().contains("\"status\":\"UP\""));
            for (String type : types) {
                run(bridge, mllpPort, "WARMUP", type, 4, warmup, "W" + type);
            }
            System.out.println("| message | connections | messages | seconds | messages/s | socket → ACK p50 / p99 | bridge CPU | every record accepted once |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (String type : types) {
                for (int c : connections) {
                    Row row = run(bridge, mllpPort, "HL7LOAD", type, c, messages, type + c);
                    System.out.println(row.markdown());
                    exact &= row.exact();
                }
            }
            System.out.println("bridge peak RSS: " + LoadHarness.peakRssMb(bridge.pid()) + " MiB");
        } finally {
            bridge.destroy();
            bridge.waitFor();
        }
        System.exit(exact ? 0 : 1);
    }

    /** {@code messages} messages of one type over {@code connections} connections at once, each its share in turn. */
    private static Row run(Process bridge, int mllpPort, String facility, String type, int connections, int messages, String ids)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> senders = new ArrayList<>();
        int[] accepted = new int[connections];
        for (int c = 0; c < connections; c++) {
            int connection = c;
            senders.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                try (MllpClient client = new MllpClient(mllpPort)) {
                    start.await();
                    for (int i = connection; i < messages; i += connections) {
                        String message = message(facility, type, ids + "-" + i, i);
                        long sent = System.nanoTime();
                        String ack = client.send(message);
                        latencies.add((System.nanoTime() - sent) / 1000);
                        accepted[connection] += acceptedNew(ack);
                    }
                }
                return latencies;
            }));
        }
        double cpuBefore = LoadHarness.cpuSeconds(bridge.pid());
        long began = System.nanoTime();
        start.countDown();
        List<Long> latencies = new ArrayList<>();
        try {
            for (Future<List<Long>> sender : senders) {
                latencies.addAll(sender.get());
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        double cpu = LoadHarness.cpuSeconds(bridge.pid()) - cpuBefore;
        Collections.sort(latencies);
        int total = Arrays.stream(accepted).sum();
        return new Row(type.startsWith("ORU") ? "ORU^R01" : "RAS^O17", connections, messages, seconds, messages / seconds,
                LoadHarness.percentile(latencies, 50), LoadHarness.percentile(latencies, 99), cpu, total == messages);
    }

    /** One new record per message: a dose (RAS^O17) or a PHQ-9 with its nine items (ORU^R01), of 50 patients in turn. */
    private static String message(String facility, String type, String id, int i) {
        String mrn = "M-" + (i % 50);
        String encounter = "E-" + (i % 50);
        return type.startsWith("ORU") ? Hl7Messages.oru(facility, "C" + id, mrn, encounter, "S" + id)
                : Hl7Messages.ras(facility, "C" + id, mrn, encounter, "D" + id);
    }

    /** 1 when the ACK is AA for one new record, else 0 (the run then exits non-zero). */
    private static int acceptedNew(String ack) {
        Matcher m = ACCEPTED.matcher(MllpClient.segment(ack, "MSA"));
        boolean one = MllpClient.code(ack).equals("AA") && m.find() && m.group(1).equals("1") && m.group(2).equals("0");
        return one ? 1 : 0;
    }

    private static Path clinics(Path work, int mllpPort) throws IOException {
        StringBuilder yaml = new StringBuilder("bridge:\n  hl7:\n    enabled: true\n    port: ").append(mllpPort).append("\n  clinics:\n");
        for (String facility : List.of("HL7LOAD", "WARMUP")) {
            yaml.append("    - id: ").append(facility.toLowerCase()).append("\n      time-zone: America/Denver\n      hl7-facility: ")
                    .append(facility).append("\n      ehr:\n        type: none\n");
        }
        return Files.writeString(work.resolve("clinics.yaml"), yaml);
    }
}
