package org.ketabridge.channel.csv;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a processed file goes: out of the inbox into {@code done/} (every row accepted) or
 * {@code refused/} (a row refused, or the file refused whole), under its own name, or with
 * {@code ~1}, {@code ~2}, ... before {@code .csv} when that name is taken: never overwritten.
 * Its report is written beside it first, so a file that left the inbox always has its report.
 */
final class ProcessedFiles {

    static final String DONE = "done";
    static final String REFUSED = "refused";

    private ProcessedFiles() {
    }

    /** Writes the report (through {@code writer}) beside the file's place in {@code folder}, then moves the file there. */
    static Path move(Path file, String folder, ReportWriter writer) throws IOException {
        Path target = Files.createDirectories(file.getParent().resolve(folder));
        String name = file.getFileName().toString();
        int dot = name.toLowerCase().endsWith(".csv") ? name.length() - 4 : name.length();
        for (int n = 0; ; n++) {
            Path to = target.resolve(n == 0 ? name : name.substring(0, dot) + "~" + n + name.substring(dot));
            if (Files.exists(to)) {
                continue;
            }
            writer.write(to.resolveSibling(to.getFileName() + ".report.json"));
            try {
                try {
                    return Files.move(file, to, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    return Files.move(file, to);
                }
            } catch (FileAlreadyExistsException e) {
                // Taken meanwhile (another process): the next free name.
            }
        }
    }

    interface ReportWriter {
        void write(Path report) throws IOException;
    }
}
