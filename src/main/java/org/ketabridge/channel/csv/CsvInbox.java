package org.ketabridge.channel.csv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.ketabridge.channel.csv.CsvFileIntake.DroppedFile;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The files ready to be read in every clinic's inbox. A file is ready once its name ends in
 * {@code .csv} and does not start with a dot: the exporter writes {@code name.csv.part} (or
 * {@code .name.csv}) and renames it to {@code name.csv} when complete, an atomic rename on one
 * file system, so a file is never seen half-written. Files of one drop are taken in kind order
 * (patients, encounters, vitals, doses, scores; then by name), a record before those that refer to it.
 * Files left in the bridge's {@code processing/} folder (taken, not finished: a crash, a database
 * down), there or in their receipt's folder of it, come first, before any new file of the inbox.
 */
@Component("csvInbox")
public class CsvInbox {

    private static final Logger log = LoggerFactory.getLogger(CsvInbox.class);

    private final ClinicRegistry clinics;

    public CsvInbox(ClinicRegistry clinics) {
        this.clinics = clinics;
    }

    public List<DroppedFile> ready() {
        List<DroppedFile> ready = new ArrayList<>();
        for (Clinic clinic : clinics.all()) {
            clinic.inbox().ifPresent(inbox -> {
                Path processing = ProcessedFiles.processing(inbox);
                try {
                    if (Files.isDirectory(processing)) {
                        addReady(clinic, leftInProcessing(processing), ready);
                    }
                    try (Stream<Path> files = Files.list(inbox)) {
                        addReady(clinic, files.toList(), ready);
                    }
                } catch (IOException e) {
                    log.warn("The CSV inbox of clinic {} cannot be listed: {}", clinic.id(), LogSafe.kinds(e));
                }
            });
        }
        return ready;
    }

    private static void addReady(Clinic clinic, List<Path> files, List<DroppedFile> ready) {
        files.stream().filter(CsvInbox::isComplete).sorted(IN_DROP_ORDER).forEach(f -> ready.add(new DroppedFile(clinic, f)));
    }

    /** The files of processing/: there (taken, receipt not started yet), or in their receipt's folder. */
    private static List<Path> leftInProcessing(Path processing) throws IOException {
        List<Path> left = new ArrayList<>();
        try (Stream<Path> entries = Files.list(processing)) {
            for (Path entry : entries.toList()) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> inReceiptFolder = Files.list(entry)) {
                        inReceiptFolder.forEach(left::add);
                    }
                } else {
                    left.add(entry);
                }
            }
        }
        return left;
    }

    static boolean isComplete(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && name.toLowerCase(Locale.ROOT).endsWith(".csv") && Files.isRegularFile(file);
    }

    /** Known kinds in their order, unknown names last (they are refused whole). */
    private static final Comparator<Path> IN_DROP_ORDER = Comparator
            .<Path>comparingInt(f -> CsvFileKind.ofFileName(f.getFileName().toString()).map(Enum::ordinal)
                    .orElse(CsvFileKind.values().length))
            .thenComparing(f -> f.getFileName().toString());
}
