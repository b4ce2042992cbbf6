package org.ketabridge.channel.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moves out of processing/ on real files: never over a file there, and a move half done by an earlier look finished, not repeated. */
class ProcessedFilesTest {

    @TempDir
    Path inbox;

    private final ProcessedFiles moves = new ProcessedFiles(Files::createLink);

    @Test
    void aFileLinkedIntoDoneByALookThatFailedBeforeRemovingItIsNotMovedASecondTime() throws IOException {
        Path file = ProcessedFiles.intoReceiptFolder(inbox,
                ProcessedFiles.claim(inbox, Files.writeString(inbox.resolve("patients.csv"), "mrn\nA\n")), "receipt-1");
        // The earlier look linked it into done/ and failed before removing its processing name.
        Files.createLink(Files.createDirectories(inbox.resolve("done")).resolve("patients.csv"), file);

        Path moved = moves.move(inbox, file, ProcessedFiles.DONE, report -> Files.writeString(report, "{}"));

        assertThat(moved).isEqualTo(inbox.resolve("done").resolve("patients.csv")).hasContent("mrn\nA\n");
        assertThat(inbox.resolve("done").resolve("patients~1.csv")).doesNotExist();
        assertThat(file).doesNotExist();
        assertThat(ProcessedFiles.receiptFolder(inbox, "receipt-1")).as("its receipt's folder removed").doesNotExist();
    }

    @Test
    void withoutHardLinksANameTakenMeanwhileIsLeftAsItIs() throws IOException {
        Path file = ProcessedFiles.claim(inbox, Files.writeString(inbox.resolve("patients.csv"), "mrn\nA\n"));
        Path done = Files.createDirectories(inbox.resolve("done"));
        ProcessedFiles withoutLinks = new ProcessedFiles((link, existing) -> {
            // Another process takes the free name just as the (first) link is refused.
            if (!Files.exists(done.resolve("patients.csv"))) {
                Files.writeString(link, "theirs\n");
            }
            throw new java.nio.file.FileSystemException(link.toString(), existing.toString(), "Operation not permitted");
        });

        Path moved = withoutLinks.move(inbox, file, ProcessedFiles.DONE, report -> Files.writeString(report, "{}"));

        assertThat(done.resolve("patients.csv")).hasContent("theirs\n");
        assertThat(moved).isEqualTo(done.resolve("patients~1.csv")).hasContent("mrn\nA\n");
        assertThat(file).doesNotExist();
    }
}
