package org.ketabridge.channel.csv;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a file goes on its way through an inbox. First out of the exporter's hands: renamed, in
 * one atomic step, into the bridge's own {@code processing/} folder, and read only there, so an
 * export renamed over the same name meanwhile stays in the inbox for its turn. Then, read, into
 * {@code done/} (every row accepted) or {@code refused/} (a row refused, or the file refused
 * whole), under its own name, or with {@code ~1}, {@code ~2}, ... before {@code .csv} when that
 * name is taken: never overwritten. Its report is written beside it first, so a file that left
 * processing always has its report.
 */
final class ProcessedFiles {

    static final String PROCESSING = "processing";
    static final String DONE = "done";
    static final String REFUSED = "refused";

    private ProcessedFiles() {
    }

    /** The bridge's folder of files taken out of {@code inbox} and not finished yet. */
    static Path processing(Path inbox) {
        return inbox.resolve(PROCESSING);
    }

    /**
     * Takes a ready file out of the inbox into {@code processing/}: one rename on the same file
     * system (ATOMIC_MOVE), so whatever the exporter renames over the name afterwards is a new
     * file of the inbox, never the one being read. The processing folder is the bridge's own: its
     * free name is checked, then taken.
     */
    static Path claim(Path inbox, Path file) throws IOException {
        Path processing = Files.createDirectories(processing(inbox));
        Path to = freeName(processing, file.getFileName().toString());
        return Files.move(file, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes the report (through {@code writer}) beside the file's place in {@code folder} of the
     * inbox, then moves the file there: a hard link (fails, atomically, when the name is taken)
     * then the processing name removed, so a file that arrived meanwhile is never replaced.
     */
    static Path move(Path inbox, Path file, String folder, ReportWriter writer) throws IOException {
        Path target = Files.createDirectories(inbox.resolve(folder));
        String name = file.getFileName().toString();
        while (true) {
            Path to = freeName(target, name);
            writer.write(to.resolveSibling(to.getFileName() + ".report.json"));
            try {
                Files.createLink(to, file);
            } catch (FileAlreadyExistsException e) {
                continue; // taken meanwhile (another process): the next free name
            } catch (UnsupportedOperationException e) {
                // No hard links on this file system: a move that refuses an existing target.
                return Files.move(file, to);
            }
            Files.delete(file);
            return to;
        }
    }

    /** {@code name} in {@code folder}, or {@code name~1.csv}, {@code name~2.csv}, ... when taken. */
    private static Path freeName(Path folder, String name) {
        int dot = name.toLowerCase().endsWith(".csv") ? name.length() - 4 : name.length();
        for (int n = 0; ; n++) {
            Path to = folder.resolve(n == 0 ? name : name.substring(0, dot) + "~" + n + name.substring(dot));
            if (!Files.exists(to)) {
                return to;
            }
        }
    }

    interface ReportWriter {
        void write(Path report) throws IOException;
    }
}
