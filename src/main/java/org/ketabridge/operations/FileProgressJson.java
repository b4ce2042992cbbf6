package org.ketabridge.operations;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ketabridge.db.IntakeFiles.IntakeFile;

/**
 * A dropped file's progress as clinic IT reads it, the same in a receipt ({@code file}) and in the
 * clinic's list of files: its name, the rows committed so far ({@code rowsRead}: durable, so a
 * restart goes on from there), and whether every row is in. The counts (accepted, unchanged,
 * rejected) are the receipt's.
 */
final class FileProgressJson {

    private FileProgressJson() {
    }

    static Map<String, Object> describe(IntakeFile file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", file.fileName());
        m.put("sizeBytes", file.sizeBytes());
        m.put("rowsRead", file.rowsCommitted());
        m.put("finished", file.finished());
        m.put("startedAt", file.startedAt().toString());
        if (file.finished()) {
            m.put("finishedAt", file.finishedAt().toString());
        }
        return m;
    }
}
