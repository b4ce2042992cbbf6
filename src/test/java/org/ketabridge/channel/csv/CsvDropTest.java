package org.ketabridge.channel.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestRecords;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * CSV drops as clinic IT meets them: files dropped in the clinic's inbox become records (through
 * the same intake as HTTP), reach the EHR, leave the inbox with a report beside them, and show in
 * a receipt. Parts of 3 rows here (application-test.yaml), so every file spans several parts.
 */
class CsvDropTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NPI = "1234567893";

    @Autowired
    private CsvFileIntake files;
    @Autowired
    private CsvInbox inbox;
    @Autowired
    private ClinicRegistry clinics;
    @Autowired
    private org.ketabridge.intake.StreamedIntake streamed;

    private Clinic alpha() {
        return clinics.find("alpha").orElseThrow();
    }

    private Path drop(String name, String content) throws IOException {
        return drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private Path drop(String name, byte[] content) throws IOException {
        Path file = alpha().inbox().orElseThrow().resolve(name);
        Files.write(file, content);
        return file;
    }

    private JsonNode report(Path moved) throws IOException {
        return JSON.readTree(moved.resolveSibling(moved.getFileName() + ".report.json").toFile());
    }

    private JsonNode receipt(String receiptId) throws IOException {
        var response = httpGet("/api/v1/clinics/alpha/receipts/" + receiptId);
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void aDropOfEveryKindReachesTheEhrAndTheSameFileAgainChangesNothing() throws IOException {
        String p = TestRecords.prefix();
        String patients = "\uFEFFsex,familyName,mrn,birthDate,givenName,favouriteColour\r\n"
                + "female,\"Doe, Jr.\"," + p + "-M1,1984-03-12,Alex,blue\r\n"
                + "male,Roe," + p + "-M2,1990-07-01,,green\r\n";
        String encounters = "encounterId,patientMrn,status,start,end,modality,sessionNumber,adverseEvents\n"
                + p + "-E1," + p + "-M1,finished,2026-10-05T09:00:00,2026-10-05T11:00:00,iv-infusion,1,none\n";
        String vitals = "encounterId,patientMrn,at,systolic,diastolic,heartRate,spo2\n"
                + p + "-E1," + p + "-M1,2026-10-05T09:00:00,128,82,72,98\n"
                + p + "-E1," + p + "-M1,2026-10-05T09:20:00,134,85,,97.5\n";
        String doses = "doseId,encounterId,patientMrn,medication,route,status,doseMg,weightKg,start,end,lotNumber,administeredByNpi\n"
                + p + "-D1," + p + "-E1," + p + "-M1,ketamine,IV,completed,35,70,2026-10-05T09:05:00,2026-10-05T09:45:00,KET-1," + NPI + "\n";
        String scores = "scoreId,patientMrn,encounterId,instrument,items,effective,timing\n"
                + p + "-S1," + p + "-M1," + p + "-E1,PHQ-9,2;2;1;1;2;1;1;1;0,2026-10-05T08:45:00,pre-session\n";
        drop("scores-" + p + ".csv", scores);
        drop("doses-" + p + ".csv", doses);
        drop("vitals-" + p + ".csv", vitals);
        drop("encounters-" + p + ".csv", encounters);
        drop("patients-" + p + ".csv", patients);

        List<CsvFileIntake.DroppedFile> ready = inbox.ready().stream()
                .filter(f -> f.file().getFileName().toString().contains(p)).toList();
        assertThat(ready).extracting(f -> f.file().getFileName().toString().substring(0, 3))
                .containsExactly("pat", "enc", "vit", "dos", "sco");
        List<Path> moved = new ArrayList<>();
        for (CsvFileIntake.DroppedFile f : ready) {
            moved.add(files.take(f.clinic(), f.file()));
        }
        for (Path m : moved) {
            assertThat(m.getParent().getFileName()).hasToString("done");
            assertThat(report(m).get("rejected").asInt()).as(m.toString()).isZero();
        }
        JsonNode vitalsReport = report(moved.get(2));
        assertThat(vitalsReport.get("accepted").asInt()).isEqualTo(2);
        JsonNode vitalsReceipt = receipt(vitalsReport.get("receiptId").asText());
        assertThat(vitalsReceipt.get("kind").asText()).isEqualTo("vitals");
        assertThat(vitalsReceipt.get("records")).extracting(r -> r.get("line").asInt()).containsExactly(2, 3);

        await().atMost(Duration.ofSeconds(60)).until(() -> "SENT".equals(taskStatus("alpha", "SCORE", p + "-S1"))
                && "SENT".equals(taskStatus("alpha", "DOSE", p + "-D1")));
        String encounter = jdbc.sql("select content from record_version where clinic_id = 'alpha' and kind = 'ENCOUNTER'"
                + " and record_id = ? order by version desc fetch first 1 rows only").param(p + "-E1").query(String.class).single();
        assertThat(JSON.readTree(encounter).get("vitals")).hasSize(2);
        assertThat(JSON.readTree(encounter).get("vitals").get(1).get("spo2").decimalValue()).isEqualByComparingTo("97.5");
        int versions = storedVersions("alpha");

        // The same file again: read again under a receipt of its own, every row unchanged.
        Path again = files.take(alpha(), drop("patients-" + p + ".csv", patients));
        assertThat(again.getFileName()).hasToString("patients-" + p + "~1.csv");
        assertThat(report(again).get("receiptId")).isNotEqualTo(report(moved.get(0)).get("receiptId"));
        assertThat(report(again).get("unchanged").asInt()).isEqualTo(2);
        // The same rows in another file (columns in another order): every row unchanged.
        Path reordered = files.take(alpha(), drop("vitals-" + p + "-b.csv",
                "patientMrn,encounterId,spo2,at,systolic,diastolic,heartRate\n"
                        + p + "-M1," + p + "-E1,97.5,2026-10-05T09:20:00,134,85,\n"));
        assertThat(report(reordered).get("unchanged").asInt()).isEqualTo(1);
        Path encountersAgain = files.take(alpha(), drop("encounters-" + p + "-b.csv", encounters + "\n"));
        assertThat(report(encountersAgain).get("unchanged").asInt()).isEqualTo(1);
        assertThat(storedVersions("alpha")).isEqualTo(versions);
    }

    @Test
    void earlierContentDroppedAgainAfterAChangeIsAnUpdateAgain() throws IOException {
        String p = TestRecords.prefix();
        String a = "mrn,familyName,birthDate\n" + p + "-1,Ames,1980-01-01\n";
        String b = "mrn,familyName,birthDate\n" + p + "-1,Baker,1980-01-01\n";
        files.take(alpha(), drop("patients-" + p + "-a.csv", a));
        files.take(alpha(), drop("patients-" + p + "-b.csv", b));
        JsonNode againReport = report(files.take(alpha(), drop("patients-" + p + "-a2.csv", a)));
        assertThat(againReport.get("accepted").asInt()).isEqualTo(1);
        assertThat(againReport.get("unchanged").asInt()).isZero();
        assertThat(jdbc.sql("select content from record_version where clinic_id = 'alpha' and record_id = ?"
                + " order by version").param(p + "-1").query(String.class).list())
                .hasSize(3).last().asString().contains("Ames");
    }

    @Test
    void theSameRecordOverHttpAndCsvIsTheSameRecord() throws IOException {
        String p = TestRecords.prefix();
        var posted = httpPost("/api/v1/clinics/alpha/doses", "application/json", TestRecords.dose(p + "-D", p + "-E", p + "-M", 35.50));
        assertThat(posted.statusCode()).isEqualTo(202);
        Path moved = files.take(alpha(), drop("doses-" + p + ".csv",
                "doseId,encounterId,patientMrn,medication,route,status,doseMg,weightKg,start,end,rateMgPerKgPerHour,"
                        + "lotNumber,wastedMg,wasteWitnessNpi,administeredByNpi\n"
                        + p + "-D," + p + "-E," + p + "-M,ketamine,IV,completed,35.5,70,2026-10-05T09:05:00,"
                        + "2026-10-05T09:45:00,0.75,KET-2026-118,15," + TestRecords.NPI_WITNESS + "," + TestRecords.NPI_NURSE + "\n"));
        assertThat(report(moved).get("unchanged").asInt()).isEqualTo(1);
    }

    @Test
    void badRowsAmongGoodOnesAreReportedByLineIdFieldAndReasonNeverTheirValue() throws IOException {
        String p = TestRecords.prefix();
        Path moved = files.take(alpha(), drop("patients-" + p + ".csv",
                "mrn,familyName,birthDate,sex\n"
                        + p + "-1,Good,1980-01-01,female\n"
                        + p + "-2,\"Multi\nLine, \"\"Quoted\"\"\",1899-12-31,female\n"
                        + p + "-3,Good,1981-02-02,\n"
                        + p + "-4,Bad,SECRET-DATE,robot\n"
                        + p + "-5,Good,1982-03-03,male\n"
                        + p + "-6,Short\n"));
        assertThat(moved.getParent().getFileName()).hasToString("refused");
        JsonNode report = report(moved);
        assertThat(report.get("accepted").asInt()).isEqualTo(3);
        assertThat(report.get("rejected").asInt()).isEqualTo(3);
        assertThat(report.get("errors")).extracting(e -> e.get("line").asInt() + " " + e.get("recordId").asText() + " "
                        + e.get("field").asText())
                .containsExactly("3 " + p + "-2 birthDate", "6 " + p + "-4 birthDate", "6 " + p + "-4 sex", "8 null (record)");
        assertThat(report.toString()).doesNotContain("SECRET", "robot", "Multi", "Short");
        JsonNode receipt = receipt(report.get("receiptId").asText());
        assertThat(receipt.get("channel").asText()).isEqualTo("csv");
        assertThat(receipt.get("rejected").asInt()).isEqualTo(3);
        assertThat(receipt.get("records")).extracting(r -> r.get("line").asInt()).containsExactly(2, 5, 7);
    }

    /**
     * Contract 1.1 over CSV: a list cell is {@code a;b}, {@code none} the empty list, an empty cell not
     * recorded; each bad value is reported at its index in the list, and a row equal to a record sent
     * over HTTP (values in another order) is that record, unchanged.
     */
    @Test
    void remsFieldsInCsvCellsFollowTheListCellRuleAndEveryBadValueIsNamed() throws IOException {
        String p = TestRecords.prefix();
        String header = "encounterId,patientMrn,status,start,end,modality,concomitantMedications,readyToLeaveMinutes,adverseEvents\n";
        String session = ",finished,2026-10-05T13:00:00,2026-10-05T15:10:00,intranasal,";
        Path moved = files.take(alpha(), drop("encounters-" + p + ".csv", header
                + p + "-E1," + p + "-M" + session + "none,95,dissociation; sedation\n"
                + p + "-E2," + p + "-M" + session + ",,\n"
                + p + "-E3," + p + "-M" + session + "benzodiazepine;opioid,95,\n"
                + p + "-E4," + p + "-M" + session + "maoi;maoi,95,none;sedation\n"
                + p + "-E5," + p + "-M" + session + ",ninety,sedation;;other\n"
                + p + "-E6," + p + "-M" + session + ",601,\n"));
        JsonNode report = report(moved);
        assertThat(report.get("accepted").asInt()).isEqualTo(2);
        assertThat(report.get("errors")).extracting(e -> e.get("line").asInt() + " " + e.get("recordId").asText() + " "
                        + e.get("field").asText() + ": " + e.get("reason").asText().split(" \\(|:")[0])
                .containsExactly(
                        "4 " + p + "-E3 concomitantMedications[1]: must be one of benzodiazepine, sedative-hypnotic, psychostimulant, maoi",
                        "5 " + p + "-E4 concomitantMedications[1]: repeats concomitantMedications[0]",
                        "5 " + p + "-E4 adverseEvents[0]: must be one of sedation, dissociation, respiratory-depression,"
                                + " blood-pressure-increase, other",
                        "6 " + p + "-E5 readyToLeaveMinutes: must be an integer",
                        "6 " + p + "-E5 adverseEvents[1]: must be one of sedation, dissociation, respiratory-depression,"
                                + " blood-pressure-increase, other",
                        "7 " + p + "-E6 readyToLeaveMinutes: must be from 0 to 600");
        JsonNode recordedAsNone = JSON.readTree(jdbc.sql("select content from record_version where clinic_id = 'alpha'"
                + " and record_id = ?").param(p + "-E1").query(String.class).single());
        assertThat(recordedAsNone.get("concomitantMedications")).as("none: the empty list").isEmpty();
        assertThat(recordedAsNone.get("adverseEvents")).extracting(JsonNode::asText).containsExactly("sedation", "dissociation");
        JsonNode notRecorded = JSON.readTree(jdbc.sql("select content from record_version where clinic_id = 'alpha'"
                + " and record_id = ?").param(p + "-E2").query(String.class).single());
        assertThat(notRecorded.has("concomitantMedications") || notRecorded.has("adverseEvents")
                || notRecorded.has("readyToLeaveMinutes")).as("empty cells: not recorded").isFalse();

        var posted = httpPost("/api/v1/clinics/alpha/encounters", "application/json", "{\"encounterId\":\"" + p + "-E1\","
                + "\"patientMrn\":\"" + p + "-M\",\"status\":\"finished\",\"start\":\"2026-10-05T13:00:00\","
                + "\"end\":\"2026-10-05T15:10:00\",\"modality\":\"intranasal\",\"concomitantMedications\":[],"
                + "\"readyToLeaveMinutes\":95,\"adverseEvents\":[\"sedation\",\"dissociation\"]}");
        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(posted.body()).get("unchanged").asInt()).as("the same record over HTTP").isEqualTo(1);
    }

    @Test
    void theReportOfAFileWithManyRefusedPartsNamesEveryRefusedRowInOrder() throws IOException {
        String p = TestRecords.prefix();
        StringBuilder csv = new StringBuilder("mrn,familyName,birthDate\n");
        for (int i = 1; i <= 70; i++) {
            csv.append(p).append('-').append(i).append(",Late,2999-01-01\n");
        }
        // 24 parts of 3 rows, each with refused rows: the report reads them a few parts at a time.
        JsonNode report = report(files.take(alpha(), drop("patients-" + p + ".csv", csv.toString())));
        assertThat(report.get("rejected").asInt()).isEqualTo(70);
        assertThat(report.get("errors")).extracting(e -> e.get("line").asInt())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(2, 71).boxed().toList());
    }

    @Test
    void brokenFilesAreRefusedWholeWithTheirReason() throws IOException {
        String p = TestRecords.prefix();
        assertRefused(drop("patients-" + p + "-latin1.csv", "mrn,familyName,birthDate\nX1,M\u00fcller,1980-01-01\n"
                .getBytes(StandardCharsets.ISO_8859_1)), "not UTF-8");
        assertRefused(drop("patients-" + p + "-quote.csv", "mrn,familyName,birthDate\nX1,\"Open,1980-01-01\n"), "not CSV");
        assertRefused(drop("patients-" + p + "-column.csv", "mrn,birthDate\nX1,1980-01-01\n"), "missing required column familyName");
        assertRefused(drop("medications-" + p + ".csv", "a,b\n1,2\n"), "unknown kind");
        assertRefused(drop("patients-" + p + "-empty.csv", ""), "empty");
        assertRefused(drop("patients-" + p + "-header.csv", "\uFEFFmrn,familyName,birthDate\r\n"), "empty");
    }

    @Test
    void aQuoteLeftOpenInALargeFileIsRefusedWholeOnceOneRecordPassesTheLimit() throws IOException {
        String p = TestRecords.prefix();
        StringBuilder csv = new StringBuilder("mrn,familyName,birthDate\n" + p + "-1,Good,1980-01-01\n" + p + "-2,\"Open,1980-01-01\n");
        String row = p + "-3,Late,1980-01-01\n";
        while (csv.length() < 4 << 20) {
            csv.append(row);
        }
        CsvFileIntake bounded = new CsvFileIntake(streamed, 3, 64 * 1024, 5);
        int before = storedVersions("alpha");
        Path moved = bounded.take(alpha(), drop("patients-" + p + ".csv", csv.toString()));
        assertThat(moved.getParent().getFileName()).hasToString("refused");
        assertThat(report(moved).get("refused").asText())
                .startsWith("not CSV (RFC 4180): the record starting on line 3 passes 65536 characters");
        assertThat(storedVersions("alpha")).isEqualTo(before);
    }

    @Test
    void aFileThatFailsOnEveryLookIsRefusedAfterFiveAttempts() throws IOException {
        String p = TestRecords.prefix();
        // An error that does not go away: every start of a file's receipt fails.
        var failing = org.mockito.Mockito.mock(org.ketabridge.intake.StreamedIntake.class);
        org.mockito.Mockito.when(failing.start(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.any(),
                        org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.any(),
                        org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.anyLong()))
                .thenThrow(new IllegalStateException("broken for ever"));
        org.mockito.Mockito.when(failing.unfinishedOf(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.any()))
                .thenReturn(java.util.Optional.empty());
        CsvFileIntake intake = new CsvFileIntake(failing, 3, 1 << 20, 5);
        Path file = drop("patients-" + p + ".csv", "mrn,familyName,birthDate\n" + p + "-1,One,1980-01-01\n");
        Path processing = alpha().inbox().orElseThrow().resolve("processing").resolve(file.getFileName());
        for (int attempt = 1; attempt < 5; attempt++) {
            Path next = attempt == 1 ? file : processing;
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> intake.attempt(alpha(), next))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(processing).exists();
        }
        intake.attempt(alpha(), processing);
        assertThat(processing).doesNotExist();
        Path refused = alpha().inbox().orElseThrow().resolve("refused").resolve(file.getFileName());
        assertThat(report(refused).get("refused").asText())
                .startsWith("could not be read to the end after 5 attempts (IllegalStateException)");
    }

    private void assertRefused(Path file, String reason) throws IOException {
        int before = storedVersions("alpha");
        Path moved = files.take(alpha(), file);
        assertThat(moved.getParent().getFileName()).hasToString("refused");
        assertThat(report(moved).get("refused").asText()).startsWith(reason);
        assertThat(file).doesNotExist();
        assertThat(storedVersions("alpha")).isEqualTo(before);
    }

    @Test
    void aFileStillBeingWrittenIsNotReadUntilItIsRenamed() throws IOException {
        String p = TestRecords.prefix();
        Path part = alpha().inbox().orElseThrow().resolve("patients-" + p + ".csv.part");
        Files.writeString(part, "mrn,familyName,birthDate\n" + p + "-1,Slow,1980-01-01\n" + p + "-2,Wri");
        assertThat(inbox.ready()).noneMatch(f -> f.file().toString().contains(p));
        Files.writeString(part, "ter,1980-01-02\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(inbox.ready()).noneMatch(f -> f.file().toString().contains(p));
        Files.move(part, part.resolveSibling("patients-" + p + ".csv"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        CsvFileIntake.DroppedFile ready = inbox.ready().stream().filter(f -> f.file().toString().contains(p)).findFirst().orElseThrow();
        JsonNode report = report(files.take(ready.clinic(), ready.file()));
        assertThat(report.get("accepted").asInt()).isEqualTo(2);
        assertThat(report.get("rejected").asInt()).isZero();
    }

    @Test
    void aFileRenamedOverTheNameOfOneBeingReadIsReadInItsTurn() throws IOException {
        String p = TestRecords.prefix();
        String name = "patients-" + p + ".csv";
        Path first = drop(name, "mrn,familyName,birthDate\n" + p + "-1,First,1980-01-01\n");
        // The bridge took the first file; the exporter then renames its next export over the same name.
        Path taken = files.claim(alpha(), first);
        Path part = alpha().inbox().orElseThrow().resolve(name + ".part");
        Files.writeString(part, "mrn,familyName,birthDate\n" + p + "-2,Second,1980-01-02\n");
        Files.move(part, first, java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        assertThat(report(files.read(alpha(), taken)).get("accepted").asInt()).isEqualTo(1);
        CsvFileIntake.DroppedFile next = inbox.ready().stream().filter(f -> f.file().toString().contains(p))
                .findFirst().orElseThrow();
        assertThat(report(files.take(next.clinic(), next.file())).get("accepted").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("select record_id from record_version where clinic_id = 'alpha' and record_id like ?"
                + " order by record_id").param(p + "-%").query(String.class).list()).containsExactly(p + "-1", p + "-2");
    }

    @Test
    void aFileLeftInProcessingIsTakenBeforeTheInboxFiles() throws IOException {
        String p = TestRecords.prefix();
        Path left = files.claim(alpha(), drop("scores-" + p + ".csv", "scoreId\n"));
        drop("patients-" + p + ".csv", "mrn\n");
        assertThat(inbox.ready()).filteredOn(f -> f.file().toString().contains(p)).extracting(CsvFileIntake.DroppedFile::file)
                .containsExactly(left, alpha().inbox().orElseThrow().resolve("patients-" + p + ".csv"));
    }

    @Test
    void aFileShowsHowFarItIsReadInItsReceiptWhileItIsReadAndOnceItIsFinished() throws Exception {
        String p = TestRecords.prefix();
        Path file = drop("patients-" + p + ".csv", "mrn,familyName,birthDate\n"
                + p + "-1,One,1980-01-01\n" + p + "-2,Two,NOT-A-DATE\n" + p + "-3,Three,1980-01-03\n"
                + p + "-4,Four,1980-01-04\n" + p + "-5,Five,1980-01-05\n" + p + "-6,Six,1980-01-06\n"
                + p + "-7,Seven,1980-01-07\n");
        // Parts of 3 rows: the first part is committed, the rest not read yet.
        var progress = commitFirstPart(file, CsvFileKind.PATIENTS, 3);

        JsonNode reading = receipt(progress.receiptId());
        assertThat(reading.get("file").get("name").asText()).isEqualTo("patients-" + p + ".csv");
        assertThat(reading.get("file").get("rowsRead").asInt()).isEqualTo(3);
        assertThat(reading.get("file").get("finished").asBoolean()).isFalse();
        assertThat(reading.get("accepted").asInt()).isEqualTo(2);
        assertThat(reading.get("unchanged").asInt()).isZero();
        assertThat(reading.get("rejected").asInt()).isEqualTo(1);
        // Clinic IT finds the receipt of the file it dropped in the clinic's list of files.
        var listed = httpGet("/api/v1/clinics/alpha/files");
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode entry = java.util.stream.StreamSupport.stream(JSON.readTree(listed.body()).get("files").spliterator(), false)
                .filter(f -> f.get("name").asText().equals("patients-" + p + ".csv")).findFirst().orElseThrow();
        assertThat(entry.get("receiptId").asText()).isEqualTo(progress.receiptId());
        assertThat(entry.get("rowsRead").asInt()).isEqualTo(3);

        files.take(alpha(), file);
        JsonNode finished = receipt(progress.receiptId());
        assertThat(finished.get("file").get("rowsRead").asInt()).isEqualTo(7);
        assertThat(finished.get("file").get("finished").asBoolean()).isTrue();
        assertThat(finished.get("accepted").asInt()).isEqualTo(6);
        assertThat(finished.get("rejected").asInt()).isEqualTo(1);
        // Its rows a page at a time (pages of 5 rows of whole parts of 3 here): rows 1 to 6, then row 7.
        assertThat(finished.get("records")).extracting(r -> r.get("line").asInt()).containsExactly(2, 4, 5, 6, 7);
        assertThat(finished.get("rejections")).extracting(r -> r.get("line").asInt()).containsExactly(3);
        String next = finished.get("next").asText();
        assertThat(next).isEqualTo("/api/v1/clinics/alpha/receipts/" + progress.receiptId() + "?fromRow=6");
        JsonNode last = JSON.readTree(httpGet(next).body());
        assertThat(last.get("records")).extracting(r -> r.get("line").asInt()).containsExactly(8);
        assertThat(last.get("rejections")).isEmpty();
        assertThat(last.get("accepted").asInt()).isEqualTo(6);
        assertThat(last.has("next")).isFalse();
        // A row inside a part: its whole part.
        assertThat(JSON.readTree(httpGet(next.replace("fromRow=6", "fromRow=4")).body()).get("records"))
                .extracting(r -> r.get("line").asInt()).containsExactly(5, 6, 7, 8);
        assertThat(httpGet(next.replace("fromRow=6", "fromRow=-1")).statusCode()).isEqualTo(400);
        // A receipt of an HTTP request has no file.
        var posted = httpPost("/api/v1/clinics/alpha/patients", "application/json", TestRecords.patient(p + "-8"));
        assertThat(receipt(JSON.readTree(posted.body()).get("receiptId").asText()).has("file")).isFalse();
    }

    /** The bridge read a file's first part and committed it (and died, or has not read on yet). */
    private org.ketabridge.intake.StreamedIntake.Progress commitFirstPart(Path file, CsvFileKind kind, int rows)
            throws Exception {
        CsvFileCheck.CheckedFile checked = CsvFileCheck.check(file, kind, 1 << 20);
        var progress = streamed.start(alpha(), kind.partOf(), "csv", file.getFileName().toString(),
                checked.contentHash(), checked.size());
        List<org.ketabridge.intake.InboundLine> firstPart = new ArrayList<>();
        try (var in = Files.newInputStream(file); CsvRows csv = new CsvRows(in, 1 << 20)) {
            CsvRowJson json = new CsvRowJson(kind, csv.next().record().toList());
            for (int i = 0; i < rows; i++) {
                firstPart.add(json.line(csv.next()));
            }
        }
        streamed.acceptPart(alpha(), kind.partOf(), progress, firstPart, rows);
        return progress;
    }

    @Test
    void aFileInterruptedAfterAPartResumesAfterItsLastCommittedRowAndAppliesEveryRowOnce() throws Exception {
        String p = TestRecords.prefix();
        Path file = drop("patients-" + p + ".csv", "mrn,familyName,birthDate\n"
                + p + "-1,Before,1980-01-01\n" + p + "-2,Two,1980-01-02\n" + p + "-3,Three,1980-01-03\n"
                + p + "-1,After,1980-01-01\n" + p + "-4,Four,1980-01-04\n");
        // The bridge died after committing the first part (3 rows): its progress says so.
        var progress = commitFirstPart(file, CsvFileKind.PATIENTS, 3);

        JsonNode report = report(files.take(alpha(), file));
        assertThat(report.get("receiptId").asText()).isEqualTo(progress.receiptId());
        assertThat(report.get("rowsRead").asInt()).isEqualTo(5);
        assertThat(report.get("accepted").asInt()).isEqualTo(5);
        // p-1 was changed further on in the file: version 2 is the later row, and there is no third.
        assertThat(jdbc.sql("select record_id || ':' || version from record_version where clinic_id = 'alpha'"
                + " and record_id like ? order by record_id, version").param(p + "-%").query(String.class).list())
                .containsExactly(p + "-1:1", p + "-1:2", p + "-2:1", p + "-3:1", p + "-4:1");
        assertThat(jdbc.sql("select content from record_version where clinic_id = 'alpha' and record_id = ? and version = 2")
                .param(p + "-1").query(String.class).single()).contains("After");
        assertThat(receipt(progress.receiptId()).get("records")).extracting(r -> r.get("line").asInt())
                .containsExactly(2, 3, 4, 5, 6);
    }
}
