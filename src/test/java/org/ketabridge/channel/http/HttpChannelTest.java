package org.ketabridge.channel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestTokens;

/** The HTTP channel as a clinic's exporter meets it: receipts, resends, and requests refused whole. */
class HttpChannelTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Records on their way to an EHR: Awaitility's default of 10 s is too short for a loaded machine. */
    private static final Duration SYNCED = Duration.ofSeconds(60);

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void anNdjsonBatchAcceptsTheGoodLinesAndNamesTheBadOnes() throws Exception {
        String p = prefix();
        HttpResponse<String> response = httpPost("/api/v1/clinics/gamma/patients", "application/x-ndjson", ndjson(
                patient(p + "-1"),
                "{\"mrn\":\"" + p + "-2\",\"familyName\":\"X\"}",
                "this is not json",
                "",
                patient(p + "-3")));
        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode receipt = json(response);
        assertThat(receipt.get("accepted").asInt()).isEqualTo(2);
        assertThat(receipt.get("rejected").asInt()).isEqualTo(2);
        JsonNode missingBirthDate = receipt.get("rejections").get(0);
        assertThat(missingBirthDate.get("line").asInt()).isEqualTo(2);
        assertThat(missingBirthDate.get("recordId").asText()).isEqualTo(p + "-2");
        assertThat(missingBirthDate.get("errors").get(0).get("field").asText()).isEqualTo("birthDate");
        JsonNode notJson = receipt.get("rejections").get(1);
        assertThat(notJson.get("line").asInt()).isEqualTo(3);
        assertThat(notJson.get("errors").get(0).get("reason").asText()).isEqualTo("not valid JSON");
        assertThat(storedIds(p)).isEqualTo(2);
    }

    @Test
    void resendsAreUnchangedOrNewVersionsNeverDuplicates() throws Exception {
        String p = prefix();
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/json", patient(p)).statusCode()).isEqualTo(202);
        JsonNode same = json(httpPost("/api/v1/clinics/gamma/patients", "application/json", patient(p)));
        assertThat(same.get("accepted").asInt()).isEqualTo(1);
        assertThat(same.get("unchanged").asInt()).isEqualTo(1);
        JsonNode changed = json(httpPost("/api/v1/clinics/gamma/patients", "application/json", patient(p, "Newname")));
        assertThat(changed.get("unchanged").asInt()).isZero();
        assertThat(jdbc.sql("select max(version) from record_version where clinic_id = 'gamma' and record_id = ?")
                .param(p).query(Integer.class).single()).isEqualTo(2);

        JsonNode status = json(httpGet(changed.get("status").asText()));
        assertThat(status.get("records").get(0).get("version").asInt()).isEqualTo(2);
        assertThat(status.get("records").get(0).get("outcome").asText()).isEqualTo("updated");
        assertThat(status.get("records").get(0).get("stage").asText()).as("store-only clinic").isEqualTo("stored");
    }

    @Test
    void aRecordSentSeveralTimesInOneBatchIsComparedWithItselfLineByLine() throws Exception {
        String p = prefix();
        // Stored in one batch: the second line repeats the first (unchanged), the third changes it.
        JsonNode receipt = json(httpPost("/api/v1/clinics/gamma/patients", "application/x-ndjson",
                ndjson(patient(p), patient(p), patient(p, "Newname"), patient(p + "-other"))));
        assertThat(receipt.get("accepted").asInt()).isEqualTo(4);
        assertThat(receipt.get("unchanged").asInt()).isEqualTo(1);

        JsonNode lines = json(httpGet(receipt.get("status").asText())).get("records");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).get("outcome").asText()).isEqualTo("created");
        assertThat(lines.get(0).get("version").asInt()).isEqualTo(1);
        assertThat(lines.get(1).get("outcome").asText()).isEqualTo("unchanged");
        assertThat(lines.get(1).get("version").asInt()).as("the version the first line made").isEqualTo(1);
        assertThat(lines.get(2).get("outcome").asText()).isEqualTo("updated");
        assertThat(lines.get(2).get("version").asInt()).isEqualTo(2);
        assertThat(lines.get(3).get("recordId").asText()).isEqualTo(p + "-other");
        assertThat(jdbc.sql("select count(*) from record_version where clinic_id = 'gamma' and record_id = ?")
                .param(p).query(Integer.class).single()).as("two versions, never a duplicate").isEqualTo(2);
    }

    @Test
    void theReceiptStatusFollowsARecordUntilItIsSent() throws Exception {
        String p = prefix();
        JsonNode receipt = json(httpPost("/api/v1/clinics/beta/doses", "application/json", dose(p + "-D", p + "-E", p + "-M")));
        JsonNode waiting = json(httpGet(receipt.get("status").asText()));
        assertThat(waiting.get("records").get(0).get("stage").asText()).isIn("queued", "waiting");
        org.awaitility.Awaitility.await().atMost(SYNCED).until(() -> "waiting".equals(
                json(httpGet(receipt.get("status").asText())).get("records").get(0).get("stage").asText()));
        assertThat(json(httpGet(receipt.get("status").asText())).get("records").get(0).get("waitingFor").asText())
                .isEqualTo("PATIENT:" + p + "-M");
        httpPost("/api/v1/clinics/beta/patients", "application/json", patient(p + "-M"));
        httpPost("/api/v1/clinics/beta/encounters", "application/json", encounter(p + "-E", p + "-M"));
        org.awaitility.Awaitility.await().atMost(SYNCED).until(() -> "sent".equals(
                json(httpGet(receipt.get("status").asText())).get("records").get(0).get("stage").asText()));
        assertThat(json(httpGet(receipt.get("status").asText())).get("records").get(0).get("ehrReference").asText())
                .startsWith("MedicationAdministration/");
        JsonNode sync = json(httpGet("/api/v1/clinics/beta/sync"));
        assertThat(sync.get("tasks").get("sent").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(sync.get("tasks").has("dead")).isTrue();
    }

    @Test
    void aDoseWhosePatientIsNotItsEncountersPatientIsRefused() throws Exception {
        String p = prefix();
        httpPost("/api/v1/clinics/gamma/encounters", "application/json", encounter(p + "-E", p + "-M"));
        HttpResponse<String> response = httpPost("/api/v1/clinics/gamma/doses", "application/json",
                dose(p + "-D", p + "-E", p + "-OTHER"));
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(json(response).get("rejections").get(0).get("errors").get(0).get("field").asText()).isEqualTo("patientMrn");
    }

    @Test
    void inOneBatchEachDoseIsCheckedAgainstItsOwnEncountersPatient() throws Exception {
        String p = prefix();
        httpPost("/api/v1/clinics/gamma/encounters", "application/x-ndjson",
                ndjson(encounter(p + "-E1", p + "-M1"), encounter(p + "-E2", p + "-M2")));
        // The encounters are looked up together for the whole batch; each dose is still judged by its own.
        JsonNode receipt = json(httpPost("/api/v1/clinics/gamma/doses", "application/x-ndjson", ndjson(
                dose(p + "-D1", p + "-E1", p + "-M1"),
                dose(p + "-D2", p + "-E2", p + "-M1"),
                dose(p + "-D3", p + "-E-not-yet-sent", p + "-M3"))));
        assertThat(receipt.get("accepted").asInt()).as("a dose whose encounter is not stored yet is accepted").isEqualTo(2);
        assertThat(receipt.get("rejected").asInt()).isEqualTo(1);
        JsonNode rejection = receipt.get("rejections").get(0);
        assertThat(rejection.get("line").asInt()).isEqualTo(2);
        assertThat(rejection.get("recordId").asText()).isEqualTo(p + "-D2");
        assertThat(rejection.get("errors").get(0).get("field").asText()).isEqualTo("patientMrn");
        assertThat(rejection.get("errors").get(0).get("reason").asText()).contains(p + "-E2");
    }

    @Test
    void requestsRefusedWholeGetTheirStatusAndStoreNothing() throws Exception {
        int before = storedVersions("gamma");
        assertThat(httpPost("/api/v1/clinics/nowhere/patients", "application/json", patient("X")).statusCode()).isEqualTo(404);
        assertThat(httpPost("/api/v1/clinics/gamma/medications", "application/json", "{}").statusCode()).isEqualTo(404);
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "text/csv", "mrn\nX\n").statusCode()).isEqualTo(415);
        HttpResponse<String> notJson = httpPost("/api/v1/clinics/gamma/patients", "application/json", "{\"mrn\": ");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson).get("detail").asText()).contains("not JSON");
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/x-ndjson", "nope\nnever\n").statusCode()).isEqualTo(400);
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/json", "").statusCode()).isEqualTo(400);
        assertThat(httpGet("/api/v1/clinics/gamma/receipts/no-such-receipt").statusCode()).isEqualTo(404);
        assertThat(storedVersions("gamma")).isEqualTo(before);
    }

    @Test
    void aBodyOverTheLimitIs413() {
        // The test limit is 256 KiB (application-test.yaml).
        String big = ndjson(patient(prefix())).repeat(3000);
        assertThat(big.length()).isGreaterThan(256 * 1024);
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/x-ndjson", big).statusCode()).isEqualTo(413);
    }

    /**
     * A chunked upload far over the limit (48 MiB against 256 KiB) is answered 413 while it is still
     * being sent: the bridge read about the limit and stopped. Had it read the body first (as it
     * did, into memory, before checking the limit), the answer could only come after the last chunk.
     */
    @Test
    void aChunkedBodyFarOverTheLimitIsRefusedWhileItIsRead() throws Exception {
        Upload upload = chunkedUpload(48 * 1024 * 1024, "");
        assertThat(upload.statusLine()).startsWith("HTTP/1.1 413");
        assertThat(upload.sentWhenAnswered()).as("bytes sent before the 413 came (of %d)", upload.total())
                .isLessThan(upload.total() / 2);
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/json", patient(prefix())).statusCode())
                .as("the bridge goes on").isEqualTo(202);
    }

    /** A Content-Length that understates a chunked body is not believed: the bytes are counted. */
    @Test
    void aChunkedBodyWithALyingContentLengthIsCountedNotBelieved() throws Exception {
        Upload upload = chunkedUpload(48 * 1024 * 1024, "Content-Length: 100\r\n");
        assertThat(upload.statusLine()).startsWith("HTTP/1.1 413");
        assertThat(upload.sentWhenAnswered()).as("bytes sent before the 413 came (of %d)", upload.total())
                .isLessThan(upload.total() / 2);
    }

    private record Upload(String statusLine, long sentWhenAnswered, long total) {
    }

    /** Sends NDJSON patients in 64 KiB chunks on a raw socket until {@code total} or until the answer comes. */
    private Upload chunkedUpload(long total, String extraHeaders) throws Exception {
        byte[] chunk = (ndjson(patient(prefix())).repeat(1000)).substring(0, 64 * 1024).getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/clinics/gamma/patients HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + TestTokens.allTestClinics() + "\r\n"
                    + "Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n" + extraHeaders + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            AtomicLong sent = new AtomicLong();
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread writer = new Thread(() -> {
                try {
                    byte[] header = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    while (sent.get() < total && !answer.isDone()) {
                        out.write(header);
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        sent.addAndGet(chunk.length);
                    }
                    if (sent.get() >= total) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException closedByTheServer) {
                    // The server stopped reading and closed the connection: the upload is cut short.
                }
            });
            writer.start();
            String statusLine = answer.get(5, TimeUnit.MINUTES);
            long sentWhenAnswered = sent.get();
            socket.close(); // unblocks a writer the server no longer reads from
            writer.join();
            return new Upload(statusLine, sentWhenAnswered, total);
        }
    }

    @Test
    void binaryGarbageIs400AndTheBridgeGoesOn() throws Exception {
        byte[] garbage = new byte[4096];
        new java.util.Random(11).nextBytes(garbage);
        garbage[0] = (byte) 0x89; // as a PNG begins: not a zero byte, not a byte-order mark
        HttpResponse<String> response = postBytes("/api/v1/clinics/gamma/patients", "application/json", garbage);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("detail").asText()).contains("not UTF-8");
        HttpResponse<String> asNdjson = postBytes("/api/v1/clinics/gamma/patients", "application/x-ndjson", garbage);
        assertThat(asNdjson.statusCode()).as(asNdjson.body()).isEqualTo(400);
        assertThat(httpPost("/api/v1/clinics/gamma/patients", "application/json", patient(prefix())).statusCode())
                .as("the bridge goes on").isEqualTo(202);
    }

    @Test
    void utf16JsonIs415() throws Exception {
        String p = prefix();
        byte[] utf16 = patient(p).getBytes(StandardCharsets.UTF_16); // with its byte-order mark
        HttpResponse<String> response = postBytes("/api/v1/clinics/gamma/patients", "application/json", utf16);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
        assertThat(json(response).get("detail").asText()).contains("UTF-8");
        byte[] utf16leNoBom = patient(p).getBytes(StandardCharsets.UTF_16LE);
        assertThat(postBytes("/api/v1/clinics/gamma/patients", "application/json", utf16leNoBom).statusCode()).isEqualTo(415);
        assertThat(postBytes("/api/v1/clinics/gamma/patients", "application/json; charset=UTF-16",
                patient(p).getBytes(StandardCharsets.UTF_8)).statusCode()).as("a charset other than UTF-8").isEqualTo(415);
        assertThat(storedIds(p)).isZero();
    }

    @Test
    void aUtf8ByteOrderMarkIsSkipped() throws Exception {
        String p = prefix();
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = (ndjson(patient(p + "-1"), patient(p + "-2"))).getBytes(StandardCharsets.UTF_8);
        byte[] withBom = java.util.Arrays.copyOf(bom, bom.length + body.length);
        System.arraycopy(body, 0, withBom, bom.length, body.length);
        HttpResponse<String> response = postBytes("/api/v1/clinics/gamma/patients", "application/x-ndjson; charset=utf-8", withBom);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
    }

    @Test
    void anNdjsonLineWithALatin1ByteIsRejectedAloneAndNotStoredMangled() throws Exception {
        String p = prefix();
        byte[] body = ndjson(patient(p + "-1"), patient(p + "-2", "M\u00fcller"), patient(p + "-3"))
                .getBytes(StandardCharsets.ISO_8859_1); // the u-umlaut as one byte, 0xFC: not UTF-8
        HttpResponse<String> response = postBytes("/api/v1/clinics/gamma/patients", "application/x-ndjson", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode receipt = json(response);
        assertThat(receipt.get("accepted").asInt()).isEqualTo(2);
        assertThat(receipt.get("rejected").asInt()).isEqualTo(1);
        JsonNode rejection = receipt.get("rejections").get(0);
        assertThat(rejection.get("line").asInt()).isEqualTo(2);
        assertThat(rejection.get("errors").get(0).get("field").asText()).isEqualTo("(record)");
        assertThat(rejection.get("errors").get(0).get("reason").asText()).startsWith("not UTF-8 (byte ");
        assertThat(storedIds(p)).isEqualTo(2);
    }

    @Test
    void deeplyNestedArraysAre400OrTheirLineRejected() throws Exception {
        String nested = "[".repeat(100_000) + "]".repeat(100_000);
        HttpResponse<String> single = httpPost("/api/v1/clinics/gamma/patients", "application/json", nested);
        assertThat(single.statusCode()).as(single.body()).isEqualTo(400);
        assertThat(json(single).get("detail").asText()).contains("nested deeper than");

        String p = prefix();
        HttpResponse<String> lines = httpPost("/api/v1/clinics/gamma/patients", "application/x-ndjson",
                ndjson(patient(p + "-1"), nested, patient(p + "-3")));
        assertThat(lines.statusCode()).as(lines.body()).isEqualTo(202);
        JsonNode rejection = json(lines).get("rejections").get(0);
        assertThat(rejection.get("line").asInt()).isEqualTo(2);
        assertThat(rejection.get("errors").get(0).get("reason").asText()).contains("nested deeper than");
        assertThat(storedIds(p)).isEqualTo(2);
    }

    @Test
    void aNumberBeyondADoubleIsRefusedInTheReceiptNotAsA500() throws Exception {
        String p = prefix();
        String huge = encounter(p + "-E2", p + "-M").replace("\"sessionNumber\":1", "\"sessionNumber\":1e400");
        HttpResponse<String> response = httpPost("/api/v1/clinics/gamma/encounters", "application/x-ndjson",
                ndjson(encounter(p + "-E1", p + "-M"), huge, encounter(p + "-E3", p + "-M")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode rejection = json(response).get("rejections").get(0);
        assertThat(rejection.get("line").asInt()).isEqualTo(2);
        assertThat(rejection.get("recordId").asText()).isEqualTo(p + "-E2");
        assertThat(rejection.get("errors").get(0).get("field").asText()).isEqualTo("sessionNumber");
        assertThat(storedIds(p)).isEqualTo(2);
    }

    @Test
    void aJsonBodyWithMoreThanOneValueIs400NotItsFirstRecordAlone() throws Exception {
        String p = prefix();
        HttpResponse<String> response = httpPost("/api/v1/clinics/gamma/patients", "application/json",
                patient(p + "-1") + "\n" + patient(p + "-2"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("detail").asText()).contains("more than one JSON value");
        assertThat(storedIds(p)).isZero();
    }

    private HttpResponse<String> postBytes(String path, String contentType, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", contentType).header("Authorization", "Bearer " + TestTokens.allTestClinics())
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void plausibilityWarningsAcceptTheDoseAndTravelWithIt() throws Exception {
        String p = prefix();
        // Ketamine at 1.2 mg/kg: anaesthetic dosing, warned, not refused.
        String heavy = dose(p + "-D1", p + "-E1", p + "-M", 84).replace("\"weightKg\":70", "\"weightKg\":70,\"doseMgPerKg\":1.2");
        JsonNode receipt = json(httpPost("/api/v1/clinics/beta/doses", "application/json", heavy));
        assertThat(receipt.get("accepted").asInt()).isEqualTo(1);
        assertThat(receipt.get("warnings")).hasSize(1);
        assertThat(receipt.get("warnings").get(0).get("field").asText()).isEqualTo("doseMgPerKg");
        assertThat(receipt.get("warnings").get(0).get("message").asText()).contains("1.2 mg/kg");

        // Esketamine after 60 min of monitoring, blood pressure 150/95 before the dose: two warnings.
        String session = "{\"encounterId\":\"" + p + "-E2\",\"patientMrn\":\"" + p + "-M\",\"status\":\"finished\","
                + "\"start\":\"2026-10-06T13:00:00\",\"end\":\"2026-10-06T14:00:00\",\"modality\":\"intranasal\","
                + "\"monitoringMinutes\":60,\"vitals\":[{\"at\":\"2026-10-06T12:55:00\",\"systolic\":150,\"diastolic\":95}]}";
        assertThat(httpPost("/api/v1/clinics/beta/encounters", "application/json", session).statusCode()).isEqualTo(202);
        String spravato = "{\"doseId\":\"" + p + "-D2\",\"encounterId\":\"" + p + "-E2\",\"patientMrn\":\"" + p + "-M\","
                + "\"medication\":\"esketamine\",\"route\":\"intranasal\",\"status\":\"completed\",\"doseMg\":56,"
                + "\"start\":\"2026-10-06T13:00:00\",\"lotNumber\":\"SPR-1\"}";
        JsonNode second = json(httpPost("/api/v1/clinics/beta/doses", "application/json", spravato));
        assertThat(second.get("warnings")).extracting(w -> w.get("field").asText()).containsExactly("encounterId", "start");
        assertThat(json(httpGet(second.get("status").asText())).get("warnings")).hasSize(2);

        // The warning reaches the EHR as a note on the MedicationAdministration.
        httpPost("/api/v1/clinics/beta/patients", "application/json", patient(p + "-M"));
        org.awaitility.Awaitility.await().atMost(SYNCED).until(() -> "SENT".equals(taskStatus("beta", "DOSE", p + "-D2")));
        assertThat(BETA_EHR.getAllServeEvents()).anySatisfy(e -> assertThat(e.getRequest().getBodyAsString())
                .contains(p + "-D2").contains("KetaBridge warning (start): blood pressure before the esketamine dose was 150/95"));
    }

    private int storedIds(String p) {
        return jdbc.sql("select count(*) from record_version where record_id like ?").param(p + "%").query(Integer.class).single();
    }
}
