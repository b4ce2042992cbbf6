package org.ketabridge.bench;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ketabridge.support.BridgeProcess;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TransactionResponder;

/**
 * Issue 16's warm restart as one fresh process each time: the bridge started as a child JVM, a
 * patient record posted as soon as its port answers, the clock stopped when the EHR (the instant
 * stand-in of mode b) has answered its write. First cold, on an empty H2 file: the record waits
 * for HAPI's validator to load; then the rest of a small workload, so that the gate admits the
 * patients' shapes (written through to {@code gate_shape}); the bridge is stopped. Then warm: a
 * new process on the same file, a new patient of an admitted shape posted the same way.
 *
 * <p>Reports, for each start, seconds from the process's start to its port answering, to the
 * record's 202, and to the record in the EHR, and from the Spring context's start (the JVM's own
 * "process running for" less Spring's "started in", from the bridge's log) to the record in the
 * EHR; and whether HAPI's validator was still loading when the record reached the EHR.
 *
 * <pre>./mvnw -Pbench test-compile exec:exec -Dbench.main=org.ketabridge.bench.WarmRestartHarness \
 *     -Dbench.args="--patients 10"</pre>
 *
 * {@code --store off} starts the bridges without the auditors' store; {@code --jvm-option X}
 * adds one option to the bridge's JVM (a class-data-sharing archive:
 * {@code -XX:SharedArchiveFile=...}); {@code --class-path build/ketabridge-0.1.0-SNAPSHOT.jar}
 * starts the packaged bridge, unpacked as the README's "Running it for real" says, instead of the
 * test class path (which Spring scans with every test class on it: a slower start than a user's).
 */
public final class WarmRestartHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLINIC = "warm";
    /** Spring Boot's start-up line: seconds in the context, seconds since the JVM started. */
    private static final Pattern STARTED = Pattern.compile("Started \\S+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");
    private static final Duration COLD_LIMIT = Duration.ofMinutes(5);

    /** One start's clock, in seconds from the process's start. */
    record Start(String label, double portAnswered, double accepted, double inEhr, double contextStarted,
                 boolean validatorStillLoading) {

        String markdownRow() {
            return String.format("| %s | %.1f s | %.1f s | **%.1f s** | %.1f s | %s |", label, portAnswered, accepted, inEhr,
                    inEhr - contextStarted, validatorStillLoading ? "yes" : "no");
        }
    }

    private final LoadHarness client = new LoadHarness();
    private final WireMockServer ehr = new WireMockServer(wireMockConfig().dynamicPort().extensions(new TransactionResponder()));
    private final Path work;
    private final List<String> bridgeArgs;
    private final List<String> jvmOptions;

    WarmRestartHarness(Path work, boolean store, List<String> jvmOptions) {
        this.work = work;
        this.jvmOptions = jvmOptions;
        this.bridgeArgs = new ArrayList<>(List.of("--logging.level.org.ketabridge=WARN",
                // Spring Boot's "Started ... (process running for ...)" line: where the context began.
                "--logging.level.org.ketabridge.KetaBridgeApplication=INFO"));
        if (!store) {
            bridgeArgs.add("--bridge.auditor-store.enabled=false");
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int patients = Integer.parseInt(a.getOrDefault("patients", "10"));
        if (patients < 10) {
            // The gate admits a shape after 5 distinct records: 5 women and 5 men at least.
            throw new IllegalArgumentException("--patients must be 10 or more");
        }
        if (a.containsKey("class-path")) { // the packaged bridge, as a user runs it (README, "Running it for real")
            System.setProperty("bridge.class-path", a.get("class-path"));
        }
        List<String> jvm = a.containsKey("jvm-option") ? List.of(a.get("jvm-option")) : List.of();
        WarmRestartHarness harness = new WarmRestartHarness(Files.createTempDirectory("ketabridge-warm"),
                !"off".equals(a.getOrDefault("store", "on")), jvm);
        System.exit(harness.run(patients) ? 0 : 1);
    }

    boolean run(int patients) throws Exception {
        ehr.start();
        try {
            FakeEhr.acceptEverything(ehr);
            Path clinics = LoadHarness.writeClinics(work, List.of(CLINIC), ehr.baseUrl() + "/fhir");
            Start cold = start("cold: empty gate_shape", clinics, 0, patients);
            // Even: a woman, as patients 0, 2, ... 8 of the cold run, whose shape it admitted.
            int warmPatient = patients + patients % 2;
            Start warm = start("warm: shapes admitted", clinics, warmPatient, 0);
            System.out.println("| start | port answers | record accepted (202) | record in the EHR | context start → in the EHR | validator still loading then |");
            System.out.println("|---|---|---|---|---|---|");
            System.out.println(cold.markdownRow());
            System.out.println(warm.markdownRow());
            System.out.printf("warm restart, process start to first record in the EHR: %.1f s (goal ≤ 10 s); load average %s%n",
                    warm.inEhr(), Files.readString(Path.of("/proc/loadavg")).trim());
            return true;
        } finally {
            ehr.stop();
        }
    }

    /**
     * Starts a bridge process on the work directory's database, posts patient {@code patient} as
     * soon as it answers and times it into the EHR; then, if {@code admitWith} > 0, a workload of
     * that many patients (the gate's admissions), until synced; then stops the bridge.
     */
    private Start start(String label, Path clinics, int patient, int admitWith) throws Exception {
        int port = BridgeProcess.freePort();
        long started = System.currentTimeMillis();
        List<Path> earlierLogs = logs();
        Process bridge = BridgeProcess.start(work, port, clinics, jvmOptions, bridgeArgs.toArray(String[]::new));
        Path log = logs().stream().filter(f -> !earlierLogs.contains(f)).findFirst().orElseThrow();
        try {
            double portAnswered = seconds(started, awaitPort(port, bridge));
            double accepted = seconds(started, postUntilAccepted(port, Workload.patient(patient)));
            long inEhr = awaitInEhr("P" + patient);
            boolean stillLoading = !"UP".equals(validatorStatus(port));
            double contextStarted = contextStart(log);
            if (admitWith > 0) {
                client.push(port, new Workload(List.of(CLINIC), admitWith).batches(200), 2, 0, new ConcurrentLinkedQueue<>());
                client.awaitSynced(port, List.of(CLINIC), Duration.ofMinutes(30));
                int admitted = gate(port).path("shapesAdmitted").asInt();
                if (admitted == 0) {
                    throw new IllegalStateException("the gate admitted no shape: a warm start would measure nothing");
                }
                System.out.println(label + ": shapes admitted after the workload: " + admitted);
            }
            return new Start(label, portAnswered, accepted, seconds(started, inEhr), contextStarted, stillLoading);
        } finally {
            bridge.destroy();
            bridge.waitFor();
        }
    }

    private long awaitPort(int port, Process bridge) throws Exception {
        long deadline = System.nanoTime() + COLD_LIMIT.toNanos();
        while (System.nanoTime() < deadline && bridge.isAlive()) {
            try {
                client.get(port, "/actuator/health/liveness");
                return System.currentTimeMillis(); // any answer: the port is open
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("the bridge's port did not answer (see " + work + ")");
    }

    /** Posted until intake answers 202: before the routes are up it may answer 503. */
    private long postUntilAccepted(int port, String line) throws Exception {
        long deadline = System.nanoTime() + COLD_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = client.post(port, "/api/v1/clinics/" + CLINIC + "/patients", line + "\n");
            if (r.statusCode() == 202) {
                return System.currentTimeMillis();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("intake did not accept the record");
    }

    /** When the EHR answered the patient's write (epoch milliseconds). */
    private long awaitInEhr(String mrn) throws Exception {
        long deadline = System.nanoTime() + COLD_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            var written = FakeEhr.writes(ehr).stream()
                    .filter(w -> w.stored() && w.identifier() != null && w.identifier().endsWith("/mrn|" + mrn))
                    .mapToLong(FakeEhr.Write::answeredAt).min();
            if (written.isPresent()) {
                return written.getAsLong();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the record did not reach the EHR within " + COLD_LIMIT);
    }

    private String validatorStatus(int port) throws Exception {
        return JSON.readTree(client.get(port, "/actuator/health").body()).path("components").path("fhirValidator")
                .path("status").asText();
    }

    private JsonNode gate(int port) throws Exception {
        return JSON.readTree(client.get(port, "/actuator/health").body()).path("components").path("fhirValidator")
                .path("details").path("gate");
    }

    /** Seconds from the JVM's start to the Spring context's, from Spring Boot's start-up line. */
    private static double contextStart(Path log) throws Exception {
        long deadline = System.nanoTime() + COLD_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = STARTED.matcher(Files.readString(log));
            if (m.find()) {
                return Double.parseDouble(m.group(2)) - Double.parseDouble(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no start-up line in " + log);
    }

    /** The bridges' logs in the work directory (BridgeProcess names each bridge-{nanos}.log). */
    private List<Path> logs() throws IOException {
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(f -> f.getFileName().toString().startsWith("bridge-") && f.toString().endsWith(".log")).toList();
        }
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1000.0;
    }
}
