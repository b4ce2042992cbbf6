package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.BridgeClient;
import org.ketabridge.support.BridgeProcess;

/**
 * The bridge process is killed (SIGKILL) half-way through a large CSV file, then started again on
 * the same database: it resumes the file after its last committed part, under the same receipt,
 * and every row is applied exactly once. The file's first part creates some records and then
 * changes them: a restart that read the file again from the start would store their first content
 * again as a new version (and count its rows twice).
 */
class CsvCrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 20_000;
    private static final int CHANGED = 200;
    private static final String FILE = "patients-crash.csv";

    private Process bridge;

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.destroyForcibly();
        }
    }

    @Test
    void aFileInterruptedByAKilledProcessResumesAndEveryRowIsStoredExactlyOnce() throws Exception {
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Path clinics = work.resolve("clinics.yaml");
        Files.writeString(clinics, """
                bridge:
                  csv:
                    rows-per-part: 500
                    poll-period-ms: 200
                    poll-delay-ms: 200
                  clinics:
                    - id: csvcrash
                      time-zone: UTC
                      inbox: %s
                      ehr:
                        type: none
                """.formatted(inbox));
        int port = BridgeProcess.freePort();
        BridgeClient client = new BridgeClient(port);
        bridge = startBridge(port, clinics);
        client.awaitUp(Duration.ofSeconds(240));

        // Written as .part, then renamed: complete when the bridge first sees it.
        Path part = inbox.resolve(FILE + ".part");
        try (BufferedWriter out = Files.newBufferedWriter(part)) {
            out.write("mrn,familyName,givenName,birthDate,sex\n");
            for (int i = 1; i <= CHANGED; i++) {
                out.write("CR-" + i + ",First,Pat,1980-01-01,female\n");
            }
            for (int i = 1; i <= CHANGED; i++) {
                out.write("CR-" + i + ",Changed,Pat,1980-01-01,female\n");
            }
            for (int i = CHANGED + 1; i <= ROWS - CHANGED; i++) {
                out.write("CR-" + i + ",First,Pat,1980-01-01,female\n");
            }
        }
        Files.move(part, inbox.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);

        // Killed once some parts are committed, well before the last.
        JsonNode atKill = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> file(client), f -> f != null && f.get("rowsRead").asInt() >= 1_000);
        bridge.destroyForcibly().waitFor();
        assertThat(atKill.get("finished").asBoolean()).isFalse();
        assertThat(atKill.get("rowsRead").asInt()).isLessThan(ROWS);
        String receiptId = atKill.get("receiptId").asText();
        // Taken out of the inbox into its receipt's folder of processing/, and left there unfinished.
        assertThat(inbox.resolve("processing").resolve(receiptId).resolve(FILE)).exists();

        bridge = startBridge(port, clinics);
        client.awaitUp(Duration.ofSeconds(240));
        await().atMost(Duration.ofSeconds(300)).until(() -> Files.exists(inbox.resolve("done").resolve(FILE)));
        JsonNode done = file(client);
        assertThat(done.get("receiptId").asText()).as("the same receipt, resumed").isEqualTo(receiptId);
        assertThat(logs()).containsPattern("Receipt " + receiptId + " for clinic csvcrash: resuming a file after [1-9]\\d* committed rows");
        assertThat(done.get("rowsRead").asInt()).isEqualTo(ROWS);
        assertThat(done.get("finished").asBoolean()).isTrue();
        JsonNode receipt = JSON.readTree(client.get("/api/v1/clinics/csvcrash/receipts/" + receiptId).body());
        assertThat(receipt.get("accepted").asInt()).isEqualTo(ROWS);
        assertThat(receipt.get("rejected").asInt()).isZero();
        JsonNode report = JSON.readTree(inbox.resolve("done").resolve(FILE + ".report.json").toFile());
        assertThat(report.get("receiptId").asText()).isEqualTo(receiptId);
        assertThat(report.get("accepted").asInt()).isEqualTo(ROWS);
        bridge.destroy();
        bridge.waitFor();

        // The database file, read after the bridge stopped.
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("bridge"), "sa", "");
             Statement sql = db.createStatement()) {
            Map<String, Integer> versions = new HashMap<>();
            try (ResultSet rs = sql.executeQuery("select record_id, count(*) from record_version"
                    + " where clinic_id = 'csvcrash' group by record_id")) {
                while (rs.next()) {
                    versions.put(rs.getString(1), rs.getInt(2));
                }
            }
            assertThat(versions).hasSize(ROWS - CHANGED);
            for (int i = 1; i <= ROWS - CHANGED; i++) {
                assertThat(versions.get("CR-" + i)).as("versions of CR-" + i).isEqualTo(i <= CHANGED ? 2 : 1);
            }
            try (ResultSet rs = sql.executeQuery("select count(*) from record_version where clinic_id = 'csvcrash'"
                    + " and version = 2 and content like '%Changed%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the later row is the latest version").isEqualTo(CHANGED);
            }
            try (ResultSet rs = sql.executeQuery("select count(*) from receipt where clinic_id = 'csvcrash'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("one receipt").isEqualTo(1);
            }
        }
    }

    /** The clinic's one file as its list shows it, or null before the bridge has started it. */
    private static JsonNode file(BridgeClient client) throws Exception {
        JsonNode files = JSON.readTree(client.get("/api/v1/clinics/csvcrash/files").body()).get("files");
        assertThat(files.size()).isLessThanOrEqualTo(1);
        return files.isEmpty() ? null : files.get(0);
    }

    private String logs() throws java.io.IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(work)) {
            for (Path log : files.filter(f -> f.getFileName().toString().startsWith("bridge-")).toList()) {
                all.append(Files.readString(log));
            }
        }
        return all.toString();
    }

    private Process startBridge(int port, Path clinics) throws Exception {
        return BridgeProcess.start(work, port, clinics, "--bridge.auditor-store.enabled=false");
    }
}
