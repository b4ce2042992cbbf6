package org.ketabridge.channel.csv;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ketabridge.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a file goes on its way through an inbox. First out of the exporter's hands: renamed, in
 * one atomic step, into the bridge's own {@code processing/} folder, and read only there, so an
 * export renamed over the same name meanwhile stays in the inbox for its turn. Once its receipt is
 * started it waits in {@code processing/<receipt id>/}: the folder names the receipt, so a later
 * look knows which receipt the file fills and whether every row of it is committed already (then
 * the file is only moved, never read again), whatever failed after its last commit. Then, read,
 * into {@code done/} (every row accepted) or {@code refused/} (a row refused, or the file refused
 * whole), under its own name, or with {@code ~1}, {@code ~2}, ... before {@code .csv} when that
 * name is taken: never overwritten. Its report is written beside it first, so a file that left
 * processing always has its report.
 */
final class ProcessedFiles {

    private static final Logger log = LoggerFactory.getLogger(ProcessedFiles.class);

    static final String PROCESSING = "processing";
    static final String DONE = "done";
    static final String REFUSED = "refused";

    /** Makes {@code link} a second name of {@code existing} ({@code Files::createLink}); given, so a test can be a file system without hard links. */
    interface HardLinks {
        void link(Path link, Path existing) throws IOException;
    }

    private final HardLinks links;
    /** Folders already said (once) to take no hard links. */
    private final Set<Path> withoutLinks = ConcurrentHashMap.newKeySet();

    ProcessedFiles(HardLinks links) {
        this.links = links;
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
        Path to = freeName(processing, file.getFileName().toString(), null);
        return Files.move(file, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether {@code file} is in {@code processing/} already, or in a receipt's folder there (left by an earlier look). */
    static boolean isInProcessing(Path inbox, Path file) {
        return file.getParent().equals(processing(inbox)) || receiptFolderOf(inbox, file).isPresent();
    }

    /** The receipt whose folder of {@code processing/} holds {@code file}, if it is in one. */
    static Optional<String> receiptFolderOf(Path inbox, Path file) {
        Path folder = file.getParent();
        return processing(inbox).equals(folder.getParent()) ? Optional.of(folder.getFileName().toString()) : Optional.empty();
    }

    /** The folder of {@code processing/} that holds the file of this receipt while it is there. */
    static Path receiptFolder(Path inbox, String receiptId) {
        return processing(inbox).resolve(receiptId);
    }

    /**
     * Puts a file of {@code processing/} in its receipt's folder, once its receipt is started and
     * before any row is read (one rename in the bridge's own folder, never over a file there).
     */
    static Path intoReceiptFolder(Path inbox, Path file, String receiptId) throws IOException {
        Path folder = Files.createDirectories(receiptFolder(inbox, receiptId));
        if (folder.equals(file.getParent())) {
            return file;
        }
        Path placed = Files.move(file, freeName(folder, file.getFileName().toString(), null), StandardCopyOption.ATOMIC_MOVE);
        removeIfEmptyReceiptFolder(inbox, file.getParent());
        return placed;
    }

    /**
     * Writes the report (through {@code writer}) beside the file's place in {@code folder} of the
     * inbox, then moves the file there: a hard link (fails, atomically, when the name is taken)
     * then the processing name removed, so a file that arrived meanwhile is never replaced. A link
     * made by an earlier look that failed before the processing name was removed is the file's
     * place already: only the removal is left. Without hard links, {@link #moveWithoutLink}.
     */
    Path move(Path inbox, Path file, String folder, ReportWriter writer) throws IOException {
        Path target = Files.createDirectories(inbox.resolve(folder));
        String name = file.getFileName().toString();
        while (true) {
            Path to = freeName(target, name, file);
            writer.write(to.resolveSibling(to.getFileName() + ".report.json"));
            if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    links.link(to, file);
                } catch (FileAlreadyExistsException e) {
                    continue; // taken meanwhile (another process): the next free name
                } catch (UnsupportedOperationException | IOException e) {
                    // Not only UnsupportedOperationException: vfat, exFAT and many SMB mounts refuse
                    // link(2) with EPERM or EOPNOTSUPP, which arrive as a FileSystemException.
                    Path moved = moveWithoutLink(file, to, e);
                    if (moved == null) {
                        continue;
                    }
                    removeIfEmptyReceiptFolder(inbox, file.getParent());
                    return moved;
                }
            }
            Files.delete(file);
            removeIfEmptyReceiptFolder(inbox, file.getParent());
            return to;
        }
    }

    /**
     * The move when the link failed: the name reserved first (a new empty file, whose creation
     * fails when the name is taken, atomically, as the link does), then the file renamed over its
     * own reservation ({@code ATOMIC_MOVE}: one rename, refused across file systems, never a copy).
     * So it keeps what the link gives: nothing that arrived meanwhile is replaced, and the file is
     * never half there. Whatever made the link fail other than having no links (no permission,
     * a full or read-only disk, {@code done/} on another mount) makes this fail too, and the file
     * stays in processing/. Returns null when the name was taken meanwhile. A crash between the two
     * steps leaves an empty file beside its report; the next look uses the next free name.
     */
    private Path moveWithoutLink(Path file, Path to, Exception linkFailure) throws IOException {
        try {
            Files.createFile(to);
        } catch (FileAlreadyExistsException taken) {
            return null;
        } catch (IOException e) {
            e.addSuppressed(linkFailure);
            throw e;
        }
        try {
            Files.move(file, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(to); // our own reservation, still empty: the rename did nothing
            e.addSuppressed(linkFailure);
            throw e;
        }
        if (withoutLinks.add(to.getParent())) {
            log.info("A CSV inbox folder takes no hard links ({}): its files are moved by reserving their name, then one"
                    + " rename", LogSafe.kinds(linkFailure));
        }
        return to;
    }

    /**
     * {@code name} in {@code folder}, or {@code name~1.csv}, {@code name~2.csv}, ...: the first not
     * taken, or the first that is {@code file} itself (a hard link to it made before).
     */
    private static Path freeName(Path folder, String name, Path file) throws IOException {
        int dot = name.toLowerCase().endsWith(".csv") ? name.length() - 4 : name.length();
        for (int n = 0; ; n++) {
            Path to = folder.resolve(n == 0 ? name : name.substring(0, dot) + "~" + n + name.substring(dot));
            if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)
                    || file != null && !Files.isSymbolicLink(to) && Files.isSameFile(to, file)) {
                return to;
            }
        }
    }

    /** A receipt's folder of processing/ once its file has left it; one left behind (a crash) is harmless. */
    private static void removeIfEmptyReceiptFolder(Path inbox, Path folder) {
        if (!processing(inbox).equals(folder.getParent())) {
            return;
        }
        try {
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            log.debug("A receipt's folder of processing/ stays: {}", LogSafe.kinds(e));
        }
    }

    interface ReportWriter {
        void write(Path report) throws IOException;
    }
}
