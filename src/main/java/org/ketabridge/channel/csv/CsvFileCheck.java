package org.ketabridge.channel.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The first pass over a dropped file, before any row is stored: its content hash (what the file
 * is known by), and every reason to refuse it whole, found now rather than after half its rows
 * were committed: not UTF-8, not CSV (a quote left open, text after a closing quote), a missing
 * required column, a column twice, no header, no rows, a record larger than the limit (a quote left
 * open would make the rest of the file one cell). Reads the file as a stream, as the second
 * pass does; costs a parse, not a database write.
 */
final class CsvFileCheck {

    /** A file fit to be read: what it is known by, its size, its header. */
    record CheckedFile(String contentHash, long size, List<String> header) {
    }

    static CheckedFile check(Path file, CsvFileKind kind, long maxRecordChars) throws IOException, RefusedFile {
        MessageDigest sha = sha256();
        List<String> header = null;
        long rows = 0;
        long size = Files.size(file);
        if (size == 0) {
            throw new RefusedFile("empty: the file holds no header and no rows");
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha); CsvRows csv = rows(in, maxRecordChars)) {
            CsvRows.Row row;
            while (true) {
                try {
                    row = csv.next();
                } catch (RecordSizeLimit.RecordTooLarge e) {
                    // A quote left open makes the rest of the file one cell: refused before it fills the memory.
                    throw new RefusedFile("not CSV (RFC 4180): " + e.getMessage() + " (bridge.csv.max-record-bytes);"
                            + " a quoted cell is probably not closed");
                } catch (CharacterCodingException e) {
                    throw new RefusedFile("not UTF-8: a byte that is not UTF-8 after "
                            + (header == null ? "the start" : rows + " rows") + "; export the file as CSV UTF-8");
                } catch (IOException e) {
                    throw new RefusedFile("not CSV (RFC 4180): a quoted cell is not closed, or has text after its"
                            + " closing quote, after " + (header == null ? "the start" : rows + " rows"));
                }
                if (row == null) {
                    break;
                }
                if (header == null) {
                    header = header(row, kind);
                } else if (!row.isBlank()) {
                    rows++;
                }
            }
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        if (header == null) {
            throw new RefusedFile("empty: the file holds no header and no rows");
        }
        if (rows == 0) {
            throw new RefusedFile("empty: the file holds a header and no rows");
        }
        return new CheckedFile(HexFormat.of().formatHex(sha.digest()), size, header);
    }

    /** The parser reads ahead from its start: the first bytes may already not be UTF-8. */
    private static CsvRows rows(InputStream in, long maxRecordChars) throws IOException, RefusedFile {
        try {
            return new CsvRows(in, maxRecordChars);
        } catch (CharacterCodingException e) {
            throw new RefusedFile("not UTF-8: a byte that is not UTF-8 after the start; export the file as CSV UTF-8");
        }
    }

    private static List<String> header(CsvRows.Row row, CsvFileKind kind) throws RefusedFile {
        List<String> header = new ArrayList<>(row.record().toList());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < header.size(); i++) {
            // The name is not repeated: a file without a header has a row of patient data in its place.
            if (!seen.add(header.get(i)) && !header.get(i).isEmpty()) {
                throw new RefusedFile("column " + (i + 1) + " of the header repeats an earlier column's name");
            }
        }
        List<String> missing = kind.requiredColumns().stream().filter(c -> !seen.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new RefusedFile("missing required column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " (the first row must be a header of the contract's field names, in any order)");
        }
        return List.copyOf(header);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
