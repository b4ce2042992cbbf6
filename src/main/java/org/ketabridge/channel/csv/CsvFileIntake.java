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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One dropped file, start to end: checked whole first ({@link CsvFileCheck}: refused whole, with
 * its reason, before any row is stored); then read as a stream, {@code bridge.csv.rows-per-part}
 * rows per transaction through {@link StreamedIntake} (the file's one receipt filled part by
 * part, its progress committed with each part); then moved out of the inbox with its report.
 * A file whose content was started before resumes after its last committed row; one whose
 * content was read to the end before changes nothing and leaves with that receipt's report.
 */
@Component("csvFileIntake")
public class CsvFileIntake implements Processor {

    private static final Logger log = LoggerFactory.getLogger(CsvFileIntake.class);
    private static final int PART_ATTEMPTS = 3;

    private final StreamedIntake intake;
    private final int rowsPerPart;

    public CsvFileIntake(StreamedIntake intake, @Value("${bridge.csv.rows-per-part:1000}") int rowsPerPart) {
        this.intake = intake;
        this.rowsPerPart = rowsPerPart;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        DroppedFile dropped = exchange.getIn().getBody(DroppedFile.class);
        take(dropped.clinic(), dropped.file());
    }

    /** Reads, stores and moves one file; returns where it went. */
    public Path take(Clinic clinic, Path file) throws IOException {
        String name = file.getFileName().toString();
        CsvFileKind kind = CsvFileKind.ofFileName(name).orElse(null);
        CsvFileCheck.CheckedFile checked;
        try {
            if (kind == null) {
                throw new RefusedFile("unknown kind: the file's name must say what it holds ("
                        + CsvFileKind.expectedNames() + ")");
            }
            checked = CsvFileCheck.check(file, kind);
        } catch (RefusedFile refused) {
            log.warn("CSV file for clinic {} refused whole: {}", clinic.id(), refused.getMessage());
            return ProcessedFiles.move(file, ProcessedFiles.REFUSED, report -> CsvReport.ofRefusal(report, name, refused.getMessage()));
        }
        Progress known = intake.progressOf(clinic, checked.contentHash()).orElse(null);
        boolean sameAsBefore = known != null && known.finished();
        Progress progress = known != null ? known
                : intake.start(clinic, kind.partOf(), "csv", name, checked.contentHash(), checked.size());
        if (!progress.finished()) {
            if (known != null) {
                log.info("Receipt {} for clinic {}: resuming a file after {} committed rows", progress.receiptId(),
                        clinic.id(), progress.rowsCommitted());
            }
            progress = intake.finish(readRows(clinic, file, kind, checked.header(), progress));
        } else {
            log.info("Receipt {} for clinic {}: a file with the same content was read before; nothing changed",
                    progress.receiptId(), clinic.id());
        }
        Progress done = progress;
        Path moved = ProcessedFiles.move(file, done.rejected() > 0 ? ProcessedFiles.REFUSED : ProcessedFiles.DONE,
                report -> CsvReport.ofRows(report, name, done, sameAsBefore, each -> intake.forEachRejection(done, each)));
        log.info("Receipt {} for clinic {}: file read to the end ({} rows, {} accepted, {} unchanged, {} rejected), moved to {}",
                done.receiptId(), clinic.id(), done.rowsCommitted(), done.accepted(), done.unchanged(), done.rejected(),
                moved.getParent().getFileName());
        return moved;
    }

    /** The rows after the committed ones, part by part; each part one transaction with the file's progress. */
    private Progress readRows(Clinic clinic, Path file, CsvFileKind kind, List<String> header, Progress progress)
            throws IOException {
        CsvRowJson rowJson = new CsvRowJson(kind, header);
        try (InputStream in = Files.newInputStream(file); CsvRows csv = new CsvRows(in)) {
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
