package org.ketabridge.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** An admin calling a bridge that runs as its own process ({@link BridgeProcess}) on {@code port}. */
public final class BridgeClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    public BridgeClient(int port) {
        this.port = port;
    }

    /** Waits until the process is ready to take records: its readiness probe answers 200 (connection refusals meanwhile ignored). */
    public void awaitUp(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> get("/actuator/health/readiness").statusCode() == 200);
    }

    /** Sends patient records, one per NDJSON line, to the clinic's intake. */
    public HttpResponse<String> postPatients(String clinic, String ndjson) throws IOException, InterruptedException {
        return http.send(request("/api/v1/clinics/" + clinic + "/patients")
                        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A POST without a body (an action such as {@code .../ehr/check}). */
    public HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return http.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + TestTokens.admin());
    }
}
