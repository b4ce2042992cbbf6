package org.ketabridge.channel.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * One dropped file, start to end: taken out of the inbox into the bridge's {@code processing/}
 * folder ({@link ProcessedFiles#claim}), and from then on only that file is read; checked whole first ({@link CsvFileCheck}: refused whole, with
 * its reason, before any row is stored); then read as a stream, {@code bridge.csv.rows-per-part}
 * rows per transaction through {@link StreamedIntake} (the file's one receipt filled part by
 * part, its progress committed with each part); then moved out of the inbox with its report.
 * A file whose content was started and not finished resumes after its last committed row; one
 * whose content was read to the end before is read again under a receipt of its own.
 */
@Component("csvFileIntake")
public class CsvFileIntake implements Processor {

    private static final Logger log = LoggerFactory.getLogger(CsvFileIntake.class);
    private static final int PART_ATTEMPTS = 3;

    private final StreamedIntake intake;
    private final int rowsPerPart;
    private final long maxRecordBytes;
    private final int maxAttempts;
    private final FailedAttempts failedAttempts = new FailedAttempts();

    public CsvFileIntake(StreamedIntake intake, @Value("${bridge.csv.rows-per-part:1000}") int rowsPerPart,
                         @Value("${bridge.csv.max-record-bytes:1048576}") long maxRecordBytes,
                         @Value("${bridge.csv.max-attempts:5}") int maxAttempts) {
        this.intake = intake;
        this.rowsPerPart = rowsPerPart;
        this.maxRecordBytes = maxRecordBytes;
        this.maxAttempts = maxAttempts;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        DroppedFile dropped = exchange.getIn().getBody(DroppedFile.class);
        attempt(dropped.clinic(), dropped.file());
    }

    /**
     * One look's attempt at a file: a failure leaves it in processing/ for the next look, until
     * {@code bridge.csv.max-attempts} looks in a row failed: then it is refused, with a report. The
     * database failing is not counted: that is an outage, not the file's fault.
     */
    void attempt(Clinic clinic, Path file) throws IOException {
        Path claimed = claim(clinic, file);
        try {
            read(clinic, claimed);
            failedAttempts.forget(claimed);
        } catch (DataAccessException | TransactionException e) {
            // The database, not the file: an outage must not send files to refused/. The file stays in
            // processing/ and resumes after its last committed row once the database answers again.
            log.warn("CSV file for clinic {} waits for the database: {}", clinic.id(), LogSafe.kinds(e));
            throw e;
        } catch (IOException | RuntimeException e) {
            int attempts = failedAttempts.failed(claimed);
            log.warn("CSV file for clinic {} could not be finished (attempt {} of {}): {}", clinic.id(), attempts,
                    maxAttempts, LogSafe.kinds(e));
            if (attempts < maxAttempts) {
                throw e;
            }
            failedAttempts.forget(claimed);
            String reason = "could not be read to the end after " + attempts + " attempts (" + LogSafe.kinds(e)
                    + "); rows already read are stored; drop the file again to resume it";
            Path moved = ProcessedFiles.move(clinic.inbox().orElseThrow(), claimed, ProcessedFiles.REFUSED,
                    report -> CsvReport.ofRefusal(report, claimed.getFileName().toString(), reason));
            log.warn("CSV file for clinic {} refused after {} failed attempts, moved to {}", clinic.id(), attempts,
                    moved.getParent().getFileName());
        }
    }

    /** Takes one file of the inbox (or of its processing folder), reads, stores and moves it; returns where it went. */
    public Path take(Clinic clinic, Path file) throws IOException {
        return read(clinic, claim(clinic, file));
    }

    /** The file in the bridge's processing folder: renamed there now, or already there (left by a crash). */
    Path claim(Clinic clinic, Path file) throws IOException {
        Path inbox = clinic.inbox().orElseThrow();
        return file.getParent().equals(ProcessedFiles.processing(inbox)) ? file : ProcessedFiles.claim(inbox, file);
    }

    /** Reads, stores and moves one file of the processing folder; returns where it went. */
    Path read(Clinic clinic, Path file) throws IOException {
        Path inbox = clinic.inbox().orElseThrow();
        String name = file.getFileName().toString();
        CsvFileKind kind = CsvFileKind.ofFileName(name).orElse(null);
        CsvFileCheck.CheckedFile checked;
        try {
            if (kind == null) {
                throw new RefusedFile("unknown kind: the file's name must say what it holds ("
                        + CsvFileKind.expectedNames() + ")");
            }
            checked = CsvFileCheck.check(file, kind, maxRecordBytes);
        } catch (RefusedFile refused) {
            log.warn("CSV file for clinic {} refused whole: {}", clinic.id(), refused.getMessage());
            return ProcessedFiles.move(inbox, file, ProcessedFiles.REFUSED, report -> CsvReport.ofRefusal(report, name, refused.getMessage()));
        }
        // Only an unfinished file is resumed: content read to the end before is read again (the
        // records may have changed since; rows equal to what is stored come out unchanged).
        Progress progress = intake.unfinishedOf(clinic, checked.contentHash()).orElse(null);
        if (progress != null) {
            log.info("Receipt {} for clinic {}: resuming a file after {} committed rows", progress.receiptId(),
                    clinic.id(), progress.rowsCommitted());
        } else {
            progress = intake.start(clinic, kind.partOf(), "csv", name, checked.contentHash(), checked.size());
        }
        progress = intake.finish(readRows(clinic, file, kind, checked.header(), progress));
        Progress done = progress;
        Path moved = ProcessedFiles.move(inbox, file, done.rejected() > 0 ? ProcessedFiles.REFUSED : ProcessedFiles.DONE,
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
