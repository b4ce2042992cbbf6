package org.ketabridge.channel.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.config.Clinic;
import org.ketabridge.intake.BaseVersionMoved;
import org.ketabridge.intake.InboundLine;
import org.ketabridge.intake.StreamedIntake;
import org.ketabridge.intake.StreamedIntake.Progress;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * One dropped file, start to end: taken out of the inbox into the bridge's {@code processing/}
 * folder ({@link ProcessedFiles#claim}), and from then on only that file is read; checked whole first ({@link CsvFileCheck}: refused whole, with
 * its reason, before any row is stored); then, its receipt started (or resumed), put in that
 * receipt's folder of processing/ and read as a stream, {@code bridge.csv.rows-per-part}
 * rows per transaction through {@link StreamedIntake} (the file's one receipt filled part by
 * part, its progress committed with each part); then moved out of the inbox with its report.
 * A file whose content was started and not finished resumes after its last committed row; a file
 * whose receipt says every row is committed is only moved, never read again (whatever failed
 * after its last commit: its rows applied again would undo updates that came since). Content
 * dropped again after it was read to the end is a new file, read under a receipt of its own.
 */
@Component("csvFileIntake")
public class CsvFileIntake implements Processor {

    private static final Logger log = LoggerFactory.getLogger(CsvFileIntake.class);
    private static final int PART_ATTEMPTS = 3;

    private final StreamedIntake intake;
    private final int rowsPerPart;
    private final long maxRecordBytes;
    private final int maxAttempts;
    private final ProcessedFiles moves;
    private final FailedAttempts failedAttempts = new FailedAttempts();

    @Autowired
    public CsvFileIntake(StreamedIntake intake, @Value("${bridge.csv.rows-per-part:1000}") int rowsPerPart,
                         @Value("${bridge.csv.max-record-bytes:1048576}") long maxRecordBytes,
                         @Value("${bridge.csv.max-attempts:5}") int maxAttempts) {
        this(intake, rowsPerPart, maxRecordBytes, maxAttempts, Files::createLink);
    }

    /** With the hard-link step given (a test's file system without hard links). */
    CsvFileIntake(StreamedIntake intake, int rowsPerPart, long maxRecordBytes, int maxAttempts,
                  ProcessedFiles.HardLinks links) {
        this.intake = intake;
        this.rowsPerPart = rowsPerPart;
        this.maxRecordBytes = maxRecordBytes;
        this.maxAttempts = maxAttempts;
        this.moves = new ProcessedFiles(links);
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        DroppedFile dropped = exchange.getIn().getBody(DroppedFile.class);
        attempt(dropped.clinic(), dropped.file());
    }

    /**
     * One look's attempt at a file: a failure leaves it in processing/ for the next look, until
     * {@code bridge.csv.max-attempts} looks in a row failed. Then a file not read to the end is
     * refused, with a report; one read to the end (every row stored: only its report or its move
     * failed) is left in processing/ with an ERROR, its move tried again at each look (it is the
     * file's only step left). Past the limit a failure is quiet and no file is read again: only its
     * move is retried. The database failing is not counted: that is an outage, not the file's fault.
     */
    void attempt(Clinic clinic, Path file) throws IOException {
        Look look = new Look(claim(clinic, file));
        try {
            read(clinic, look, failedAttempts.of(look.file).map(FailedAttempts.Failures::refusal).orElse(null));
            failedAttempts.forget(look.file);
        } catch (DataAccessException | TransactionException e) {
            // The database, not the file: an outage must not send files to refused/. The file stays in
            // processing/ and resumes after its last committed row once the database answers again.
            log.warn("CSV file for clinic {} waits for the database: {}", clinic.id(), LogSafe.kinds(e));
            throw e;
        } catch (IOException | RuntimeException e) {
            if (retried(clinic, look, e)) {
                throw e;
            }
        }
    }

    /**
     * A look that failed at a file, counted: true while below the limit (the next look tries again,
     * the route says so); at the limit the file is refused or (read to the end) left with an ERROR.
     */
    private boolean retried(Clinic clinic, Look look, Exception e) {
        int looks = failedAttempts.failed(look.file, e);
        if (looks < maxAttempts) {
            log.warn("CSV file for clinic {} could not be finished (attempt {} of {}): {}", clinic.id(), looks,
                    maxAttempts, LogSafe.kinds(e));
            return true;
        }
        if (looks > maxAttempts) {
            // Said at the limit; each look since only tried the file's move again.
            log.debug("CSV file for clinic {} still not moved out of processing/ ({} looks): {}", clinic.id(), looks,
                    LogSafe.kinds(e));
            return false;
        }
        if (look.readToTheEnd != null) {
            log.error("Receipt {} for clinic {}: file read to the end (every row stored) but not moved out of processing/"
                            + " after {} attempts ({}); it stays there and is never read again, its move tried at each look:"
                            + " check that the inbox's done/ and refused/ folders can be written",
                    look.readToTheEnd.receiptId(), clinic.id(), looks, LogSafe.kinds(e));
            return false;
        }
        String reason = "could not be read to the end after " + looks + " attempts (" + LogSafe.kinds(e)
                + "); rows already read are stored; drop the file again to resume it";
        failedAttempts.refusing(look.file, reason);
        try {
            refuse(clinic, look.file, reason);
        } catch (IOException | RuntimeException notMoved) {
            failedAttempts.stillFailing(look.file, notMoved);
            log.error("CSV file for clinic {} could not be read to the end after {} attempts ({}), nor moved to refused/"
                            + " ({}); it stays in processing/ and is never read again, its move to refused/ tried at each"
                            + " look: check that the inbox's refused/ folder can be written", clinic.id(), looks,
                    LogSafe.kinds(e), LogSafe.kinds(notMoved));
        }
        return false;
    }

    /** Moves a file that will not be read to the end to refused/, with why. */
    private Path refuse(Clinic clinic, Path file, String reason) throws IOException {
        Path moved = moves.move(clinic.inbox().orElseThrow(), file, ProcessedFiles.REFUSED,
                report -> CsvReport.ofRefusal(report, file.getFileName().toString(), reason));
        int looks = failedAttempts.of(file).map(FailedAttempts.Failures::looks).orElse(maxAttempts);
        failedAttempts.forget(file);
        log.warn("CSV file for clinic {} refused after {} failed attempts, moved to {}", clinic.id(), looks,
                moved.getParent().getFileName());
        return moved;
    }

    /** Takes one file of the inbox (or of its processing folder), reads, stores and moves it; returns where it went. */
    public Path take(Clinic clinic, Path file) throws IOException {
        return read(clinic, claim(clinic, file));
    }

    /** The file in the bridge's processing folder: renamed there now, or already there (left by an earlier look). */
    Path claim(Clinic clinic, Path file) throws IOException {
        Path inbox = clinic.inbox().orElseThrow();
        return ProcessedFiles.isInProcessing(inbox, file) ? file : ProcessedFiles.claim(inbox, file);
    }

    /** Reads, stores and moves one file of the processing folder; returns where it went. */
    Path read(Clinic clinic, Path file) throws IOException {
        return read(clinic, new Look(file), null);
    }

    /**
     * The file of this receipt while it is in the clinic's processing/ folder (read, resumed, or
     * waiting to be moved), with the looks of this process that failed at it: what clinic IT sees
     * of a file that does not leave processing/.
     */
    public Optional<FileInProcessing> inProcessing(Clinic clinic, String receiptId) {
        Optional<Path> inbox = clinic.inbox();
        if (inbox.isEmpty() || !Files.isDirectory(ProcessedFiles.receiptFolder(inbox.get(), receiptId))) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(ProcessedFiles.receiptFolder(inbox.get(), receiptId))) {
            return files.filter(CsvInbox::isComplete).findFirst().map(file -> failedAttempts.of(file)
                    .map(f -> new FileInProcessing(f.looks(), f.lastError()))
                    .orElse(new FileInProcessing(0, null)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A file still in processing/: the looks that failed at it (this process's, in a row) and the kinds of the last error. */
    public record FileInProcessing(int failedLooks, String lastError) {
    }

    /** Where one look has got with a file: where the file is now, and its progress once every row of it is committed. */
    private static final class Look {
        private Path file;
        private Progress readToTheEnd;

        private Look(Path file) {
            this.file = file;
        }
    }

    /**
     * One look at a file of processing/. A file in the folder of a receipt whose every row is
     * committed is moved, not read; a file to be refused (decided by earlier looks) is refused,
     * not read; any other is checked, started or resumed, read to the end and moved.
     */
    private Path read(Clinic clinic, Look look, String refusal) throws IOException {
        Path inbox = clinic.inbox().orElseThrow();
        Progress recorded = ProcessedFiles.receiptFolderOf(inbox, look.file)
                .flatMap(receiptId -> intake.progressOf(clinic, receiptId)).orElse(null);
        if (recorded != null && recorded.finished()) {
            // An earlier look committed every row and failed after (its report, its move, a crash):
            // only the move is left. Reading the rows again would undo updates made since.
            log.info("Receipt {} for clinic {}: file read to the end before, moved now, not read again",
                    recorded.receiptId(), clinic.id());
            look.readToTheEnd = recorded;
            return moveReadFile(clinic, look.file, recorded);
        }
        if (refusal != null) {
            return refuse(clinic, look.file, refusal);
        }
        String name = look.file.getFileName().toString();
        CsvFileKind kind = CsvFileKind.ofFileName(name).orElse(null);
        CsvFileCheck.CheckedFile checked;
        try {
            if (kind == null) {
                throw new RefusedFile("unknown kind: the file's name must say what it holds ("
                        + CsvFileKind.expectedNames() + ")");
            }
            checked = CsvFileCheck.check(look.file, kind, maxRecordBytes);
        } catch (RefusedFile refused) {
            log.warn("CSV file for clinic {} refused whole: {}", clinic.id(), refused.getMessage());
            return moves.move(inbox, look.file, ProcessedFiles.REFUSED, report -> CsvReport.ofRefusal(report, name, refused.getMessage()));
        }
        // Only an unfinished file is resumed: its receipt's folder says which, else its content does.
        // Content read to the end before is read again (the records may have changed since; rows
        // equal to what is stored come out unchanged).
        Progress progress = recorded != null && recorded.contentHash().equals(checked.contentHash()) ? recorded
                : intake.unfinishedOf(clinic, checked.contentHash()).orElse(null);
        if (progress != null) {
            log.info("Receipt {} for clinic {}: resuming a file after {} committed rows", progress.receiptId(),
                    clinic.id(), progress.rowsCommitted());
        } else {
            progress = intake.start(clinic, kind.partOf(), "csv", name, checked.contentHash(), checked.size());
        }
        Path placed = ProcessedFiles.intoReceiptFolder(inbox, look.file, progress.receiptId());
        failedAttempts.moved(look.file, placed);
        look.file = placed;
        look.readToTheEnd = intake.finish(readRows(clinic, placed, kind, checked.header(), progress));
        return moveReadFile(clinic, placed, look.readToTheEnd);
    }

    /** A file whose every row is committed, out of processing/ with its report: done/, or refused/ when a row was refused. */
    private Path moveReadFile(Clinic clinic, Path file, Progress done) throws IOException {
        String name = file.getFileName().toString();
        Path moved = moves.move(clinic.inbox().orElseThrow(), file,
                done.rejected() > 0 ? ProcessedFiles.REFUSED : ProcessedFiles.DONE,
                report -> CsvReport.ofRows(report, name, done, each -> intake.forEachRejection(done, each)));
        log.info("Receipt {} for clinic {}: file read to the end ({} rows, {} accepted, {} unchanged, {} rejected), moved to {}",
                done.receiptId(), clinic.id(), done.rowsCommitted(), done.accepted(), done.unchanged(), done.rejected(),
                moved.getParent().getFileName());
        return moved;
    }

    /** The rows after the committed ones, part by part; each part one transaction with the file's progress. */
    private Progress readRows(Clinic clinic, Path file, CsvFileKind kind, List<String> header, Progress progress)
            throws IOException {
        CsvRowJson rowJson = new CsvRowJson(kind, header);
        try (InputStream in = Files.newInputStream(file); CsvRows csv = new CsvRows(in, maxRecordBytes)) {
            csv.next(); // the header
            for (long skipped = 0; skipped < progress.rowsCommitted(); skipped++) {
                csv.next();
            }
            List<InboundLine> lines = new ArrayList<>(rowsPerPart);
            long rows = 0;
            for (CsvRows.Row row = csv.next(); row != null; row = csv.next()) {
                rows++;
                if (!row.isBlank()) {
                    lines.add(rowJson.line(row));
                }
                if (rows == rowsPerPart) {
                    progress = acceptPart(clinic, kind, progress, lines, rows);
                    lines = new ArrayList<>(rowsPerPart);
                    rows = 0;
                }
            }
            if (rows > 0) {
                progress = acceptPart(clinic, kind, progress, lines, rows);
            }
        }
        return progress;
    }

    /**
     * One part in its transaction; again, merged anew, when another channel changed one of its
     * encounters while its vital rows were merged (each try rolled back whole). A few tries: each
     * lost one means the encounter changed in that very moment again.
     */
    private Progress acceptPart(Clinic clinic, CsvFileKind kind, Progress progress, List<InboundLine> lines, long rows) {
        for (int attempt = 1; ; attempt++) {
            try {
                return intake.acceptPart(clinic, kind.partOf(), progress, lines, rows);
            } catch (BaseVersionMoved moved) {
                if (attempt == PART_ATTEMPTS) {
                    throw moved;
                }
                log.info("Receipt {} for clinic {}: part after row {} read again ({})", progress.receiptId(), clinic.id(),
                        progress.rowsCommitted(), moved.getMessage());
            }
        }
    }

    /** A file of a clinic's inbox, ready to be read. */
    public record DroppedFile(Clinic clinic, Path file) {
    }
}
