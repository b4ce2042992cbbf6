package org.ketabridge.channel.csv;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of a CSV file, one at a time (never the file in memory): UTF-8 decoded strictly
 * (a byte that is not UTF-8 is an error, never a replacement character), a byte-order mark
 * skipped, RFC 4180 quoting by commons-csv. Each record comes with the line it starts on, so a
 * cell holding a line break does not shift the lines of the records after it.
 */
final class CsvRows implements Closeable {

    /** RFC 4180; blank lines are kept as records here so that line numbers stay exact (the caller skips them). */
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();
    private static final int BUFFER_CHARS = 64 * 1024;

    private final RecordSizeLimit limit;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;

    /** A record and the line (1-based) it starts on. */
    record Row(long line, CSVRecord record) {
        boolean isBlank() {
            return record.size() == 1 && record.get(0).isEmpty();
        }
    }

    /** A record longer than {@code maxRecordChars} stops the read ({@link RecordSizeLimit.RecordTooLarge}, naming its line). */
    CsvRows(InputStream in, long maxRecordChars) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), BUFFER_CHARS);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        this.limit = new RecordSizeLimit(reader, maxRecordChars);
        this.parser = CSVParser.parse(limit, FORMAT);
        this.records = parser.iterator();
    }

    /** The next record, or null at the end of the file. */
    Row next() throws IOException {
        // The parser has read up to the end of the previous record: the next one starts on the line after.
        long line = parser.getCurrentLineNumber() + 1;
        limit.nextRecord();
        try {
            return records.hasNext() ? new Row(line, records.next()) : null;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof RecordSizeLimit.RecordTooLarge) {
                throw new RecordSizeLimit.RecordTooLarge("the record starting on line " + line + " "
                        + e.getCause().getMessage().substring("one record ".length()));
            }
            throw e.getCause();
        }
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
