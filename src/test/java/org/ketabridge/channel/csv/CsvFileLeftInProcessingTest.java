package org.ketabridge.channel.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.StreamedIntake;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestRecords;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A file whose rows are all committed but which did not leave processing/ (its report or its move
 * failed, or the bridge died before the move) is moved on a later look, never read again: its rows
 * applied again would undo what clinic IT sent since. A move that keeps failing ends, after
 * {@code bridge.csv.max-attempts}, in an ERROR and a state the files API shows, not in a loop; an
 * inbox without hard links (vfat, exFAT, SMB: link(2) refused as a FileSystemException) still gets
 * each file moved once, never over a file already there. Real files, most in an inbox of their own.
 */
class CsvFileLeftInProcessingTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private CsvFileIntake files;
    @Autowired
    private CsvInbox inbox;
    @Autowired
    private ClinicRegistry clinics;
    @Autowired
    private StreamedIntake streamed;

    @TempDir
    Path ownInbox;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(CsvFileIntake.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(CsvFileIntake.class)).detachAppender(log);
    }

    private Clinic alpha() {
        return clinics.find("alpha").orElseThrow();
    }

    /** Clinic alpha with an inbox of this test's own. */
    private Clinic alphaWithOwnInbox() {
        Clinic a = alpha();
        return new Clinic(a.id(), a.name(), a.zone(), a.identifierSystemBase(), a.mappingOverrides(), a.ehr(),
                a.hl7Facility(), a.hl7Senders(), Optional.of(ownInbox), a.alertWebhook());
    }

    @Test
    void aFileReadToTheEndWhoseMoveFailedIsMovedLaterAndNeverReadAgainOverANewerUpdate() throws IOException {
        String p = TestRecords.prefix();
        String name = "patients-" + p + ".csv";
        Clinic clinic = alphaWithOwnInbox();
        CsvFileIntake intake = new CsvFileIntake(streamed, 3, 1 << 20, 5, Files::createLink);
        Path file = Files.writeString(ownInbox.resolve(name), "mrn,familyName,birthDate\n" + p + "-1,Ames,1980-01-01\n"
                + p + "-2,Two,1980-01-02\n" + p + "-3,Three,1980-01-03\n" + p + "-4,Four,1980-01-04\n");
        // Every row is committed, then the move to done/ fails (its report cannot be written there).
        Path blocker = Files.createDirectories(ownInbox.resolve("done").resolve(name + ".report.json"));
        assertThatThrownBy(() -> intake.attempt(clinic, file)).isInstanceOf(IOException.class);
        Path left = onlyFileIn(ownInbox.resolve("processing"));
        assertThat(latestOf(p + "-1")).contains("Ames");

        // Meanwhile clinic IT corrects the patient over HTTP.
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json",
                "{\"mrn\":\"" + p + "-1\",\"familyName\":\"Baker\",\"birthDate\":\"1980-01-01\"}").statusCode()).isEqualTo(202);
        Files.delete(blocker);
        intake.attempt(clinic, left);

        assertThat(versionsOf(p + "-1")).as("Ames, then Baker; Ames not stored again").hasSize(2);
        assertThat(latestOf(p + "-1")).contains("Baker");
        assertThat(versionsOf(p + "-4")).hasSize(1);
        assertThat(receiptsOf(name)).as("the file's one receipt").isEqualTo(1);
        Path done = ownInbox.resolve("done").resolve(name);
        assertThat(done).exists();
        JsonNode report = JSON.readTree(done.resolveSibling(name + ".report.json").toFile());
        assertThat(report.get("receiptId").asText()).isEqualTo(receiptOf(name));
        assertThat(report.get("accepted").asInt()).isEqualTo(4);
        assertThat(csvFilesIn(ownInbox.resolve("processing"))).isEmpty();
        assertThat(messages(Level.INFO)).anyMatch(m -> m.contains("read to the end before, moved now, not read again"));
    }

    @Test
    void aMoveThatKeepsFailingStopsAtTheLimitWithOneErrorAndAStateClinicItSees() throws Exception {
        String p = TestRecords.prefix();
        String name = "patients-" + p + ".csv";
        Path alphaInbox = alpha().inbox().orElseThrow();
        Path file = Files.writeString(alphaInbox.resolve(name), "mrn,familyName,birthDate\n" + p + "-1,Ames,1980-01-01\n");
        Path blocker = Files.createDirectories(alphaInbox.resolve("done").resolve(name + ".report.json"));
        try {
            Path next = file;
            for (int look = 1; look <= 7; look++) {
                Path at = next;
                if (look < 5) {
                    assertThatThrownBy(() -> files.attempt(alpha(), at)).as("look " + look).isInstanceOf(IOException.class);
                } else {
                    files.attempt(alpha(), at); // at the limit and after: said, not thrown for the route to retry
                }
                // The next look finds it where this one left it, in its receipt's folder of processing/.
                next = inbox.ready().stream().map(CsvFileIntake.DroppedFile::file)
                        .filter(f -> f.getFileName().toString().equals(name)).findFirst().orElseThrow();
                assertThat(next.getParent().getParent()).isEqualTo(alphaInbox.resolve("processing"));
            }
            assertThat(versionsOf(p + "-1")).as("read once, in the first look").hasSize(1);
            assertThat(receiptsOf(name)).isEqualTo(1);
            assertThat(messages(Level.ERROR)).singleElement().asString()
                    .contains("file read to the end (every row stored) but not moved out of processing/ after 5 attempts")
                    .doesNotContain(p);
            JsonNode stuck = listed(name);
            assertThat(stuck.get("finished").asBoolean()).isTrue();
            assertThat(stuck.get("inProcessing").asBoolean()).isTrue();
            assertThat(stuck.get("failedLooks").asInt()).isEqualTo(7);
            assertThat(stuck.get("lastError").asText()).isEqualTo("FileNotFoundException");
        } finally {
            Files.delete(blocker);
        }
        Path left = inbox.ready().stream().map(CsvFileIntake.DroppedFile::file)
                .filter(f -> f.getFileName().toString().equals(name)).findFirst().orElseThrow();
        files.attempt(alpha(), left);
        assertThat(alphaInbox.resolve("done").resolve(name)).exists();
        JsonNode moved = listed(name);
        assertThat(moved.get("inProcessing").asBoolean()).isFalse();
        assertThat(moved.has("failedLooks")).isFalse();
        assertThat(versionsOf(p + "-1")).hasSize(1);
    }

    @Test
    void aFileNeitherReadNorRefusedIsNotReadAgainPastTheLimitAndIsRefusedOnceItCanBe() throws IOException {
        String p = TestRecords.prefix();
        String name = "patients-" + p + ".csv";
        Clinic clinic = alphaWithOwnInbox();
        // An error that does not go away: every start of a file's receipt fails.
        StreamedIntake failing = mock(StreamedIntake.class);
        when(failing.start(any(), any(), any(), any(), any(), anyLong())).thenThrow(new IllegalStateException("broken for ever"));
        CsvFileIntake intake = new CsvFileIntake(failing, 3, 1 << 20, 5, Files::createLink);
        Path file = Files.writeString(ownInbox.resolve(name), "mrn,familyName,birthDate\n" + p + "-1,One,1980-01-01\n");
        Path processing = ownInbox.resolve("processing").resolve(name);
        Path blocker = Files.createDirectories(ownInbox.resolve("refused").resolve(name + ".report.json"));
        for (int look = 1; look < 5; look++) {
            Path at = look == 1 ? file : processing;
            assertThatThrownBy(() -> intake.attempt(clinic, at)).isInstanceOf(IllegalStateException.class);
        }
        intake.attempt(clinic, processing); // the limit: to be refused, and refused/ cannot take it
        intake.attempt(clinic, processing);
        intake.attempt(clinic, processing);
        verify(failing, times(5)).start(any(), any(), any(), any(), any(), anyLong());
        assertThat(processing).exists();
        assertThat(messages(Level.ERROR)).singleElement().asString()
                .contains("could not be read to the end after 5 attempts (IllegalStateException), nor moved to refused/");

        Files.delete(blocker);
        intake.attempt(clinic, processing);
        verify(failing, times(5)).start(any(), any(), any(), any(), any(), anyLong());
        Path refused = ownInbox.resolve("refused").resolve(name);
        assertThat(processing).doesNotExist();
        assertThat(JSON.readTree(refused.resolveSibling(name + ".report.json").toFile()).get("refused").asText())
                .startsWith("could not be read to the end after 5 attempts (IllegalStateException)");
    }

    @Test
    void withoutHardLinksEachFileIsMovedOnceAndNeverOverAFileAlreadyThere() throws IOException {
        String p = TestRecords.prefix();
        String name = "patients-" + p + ".csv";
        Clinic clinic = alphaWithOwnInbox();
        // vfat, exFAT, many SMB mounts: link(2) fails with EPERM, a FileSystemException.
        AtomicInteger links = new AtomicInteger();
        CsvFileIntake intake = new CsvFileIntake(streamed, 3, 1 << 20, 5, (link, existing) -> {
            links.incrementAndGet();
            throw new FileSystemException(existing.toString(), link.toString(), "Operation not permitted");
        });
        Path theirs = Files.writeString(Files.createDirectories(ownInbox.resolve("done")).resolve(name), "someone else's\n");
        String content = "mrn,familyName,birthDate\n" + p + "-1,One,1980-01-01\n" + p + "-2,Two,1980-01-02\n"
                + p + "-3,Three,1980-01-03\n" + p + "-4,Four,1980-01-04\n";
        Path moved = intake.take(clinic, Files.writeString(ownInbox.resolve(name), content));

        assertThat(links).hasValue(1);
        assertThat(moved).isEqualTo(ownInbox.resolve("done").resolve("patients-" + p + "~1.csv"));
        assertThat(moved).hasContent(content);
        assertThat(theirs).hasContent("someone else's\n");
        assertThat(JSON.readTree(moved.resolveSibling(moved.getFileName() + ".report.json").toFile())
                .get("accepted").asInt()).isEqualTo(4);
        assertThat(csvFilesIn(ownInbox.resolve("processing"))).as("nothing left for a next look").isEmpty();
        try (Stream<Path> processing = Files.list(ownInbox.resolve("processing"))) {
            assertThat(processing.toList()).as("its receipt's folder removed").isEmpty();
        }
        assertThat(receiptsOf(name)).isEqualTo(1);
        for (int i = 1; i <= 4; i++) {
            assertThat(versionsOf(p + "-" + i)).hasSize(1);
        }
    }

    private JsonNode listed(String name) throws IOException {
        var response = httpGet("/api/v1/clinics/alpha/files");
        assertThat(response.statusCode()).isEqualTo(200);
        return StreamSupport.stream(JSON.readTree(response.body()).get("files").spliterator(), false)
                .filter(f -> f.get("name").asText().equals(name)).findFirst().orElseThrow();
    }

    private List<String> messages(Level level) {
        return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static List<Path> csvFilesIn(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(f -> f.getFileName().toString().endsWith(".csv")).toList();
        }
    }

    private static Path onlyFileIn(Path folder) throws IOException {
        List<Path> left = csvFilesIn(folder);
        assertThat(left).hasSize(1);
        return left.get(0);
    }

    private List<String> versionsOf(String mrn) {
        return jdbc.sql("select content from record_version where clinic_id = 'alpha' and record_id = ? order by version")
                .param(mrn).query(String.class).list();
    }

    private String latestOf(String mrn) {
        List<String> versions = versionsOf(mrn);
        return versions.get(versions.size() - 1);
    }

    private int receiptsOf(String name) {
        return jdbc.sql("select count(*) from intake_file where clinic_id = 'alpha' and file_name = ?").param(name)
                .query(Integer.class).single();
    }

    private String receiptOf(String name) {
        return jdbc.sql("select receipt_id from intake_file where clinic_id = 'alpha' and file_name = ?").param(name)
                .query(String.class).single();
    }
}
