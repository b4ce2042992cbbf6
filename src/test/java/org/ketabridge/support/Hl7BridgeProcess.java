package org.ketabridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A bridge process ({@link BridgeProcess}) with one clinic whose EHR takes HL7 v2 (issue 14): an
 * {@link Hl7Receiver} on localhost, in a clinics file as an operator writes it (no auditors'
 * store: its minute-long start is not what these tests are about). Its sync polls often and a
 * killed process's claims lapse after 2 s, so a restart takes its tasks over soon.
 */
public final class Hl7BridgeProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path work;
    private final Path clinics;
    private final String clinicId;
    private final List<String> jvmOptions;
    private final int port;
    private final BridgeClient client;
    private Process process;

    /** {@code requestTimeout}: how long the bridge waits for an ACK; {@code jvmOptions}: e.g. a trust store. */
    public Hl7BridgeProcess(Path work, String clinicId, int ehrPort, boolean tls, Duration requestTimeout,
                            List<String> jvmOptions) throws IOException {
        this.work = work;
        this.clinicId = clinicId;
        this.jvmOptions = jvmOptions;
        this.port = BridgeProcess.freePort();
        this.client = new BridgeClient(port);
        this.clinics = work.resolve("clinics.yaml");
        Files.writeString(clinics, """
                bridge:
                  sync:
                    poll-interval: 100ms
                    initial-backoff: 100ms
                    claim-lease: 2s
                  clinics:
                    - id: %s
                      time-zone: UTC
                      hl7-facility: KB-%s
                      ehr:
                        type: hl7v2
                        host: localhost
                        port: %d
                        tls: %s
                        connect-timeout: 5s
                        request-timeout: %dms
                """.formatted(clinicId, clinicId.toUpperCase(), ehrPort, tls, requestTimeout.toMillis()));
    }

    /** Starts the process (again, on the same database after a kill) and waits until it takes records. */
    public void start() throws IOException {
        process = BridgeProcess.start(work, port, clinics, jvmOptions, "--bridge.auditor-store.enabled=false");
        client.awaitUp(Duration.ofSeconds(240));
    }

    /** SIGKILL: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public BridgeClient client() {
        return client;
    }

    /** Sends patient records (NDJSON) to the clinic; the receipt id of the 202. */
    public String postPatients(String ndjson) throws IOException, InterruptedException {
        HttpResponse<String> response = client.postPatients(clinicId, ndjson);
        if (response.statusCode() != 202) {
            throw new AssertionError("expected 202, got " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("receiptId").asText();
    }

    /** The stage of each record of the receipt ({@code sent}, ...), in the receipt's order. */
    public List<String> stages(String receiptId) throws IOException, InterruptedException {
        JsonNode status = JSON.readTree(client.get("/api/v1/clinics/" + clinicId + "/receipts/" + receiptId).body());
        return status.get("records").findValuesAsText("stage");
    }

    /** The connection check's answer ({@code POST .../ehr/check}). */
    public JsonNode check() throws IOException, InterruptedException {
        HttpResponse<String> response = client.post("/api/v1/clinics/" + clinicId + "/ehr/check");
        if (response.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
