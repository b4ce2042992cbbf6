package org.ketabridge.channel.csv;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Bounds what the CSV parser may read for one record. A stray quote makes the rest of the file one
 * quoted cell, which the parser would gather into one token in memory (a large file: out of
 * memory); counted here between the parser and the file, reset before each record, the read
 * stops once one record passes the limit. Counts characters (one per byte for ASCII, fewer
 * than the bytes otherwise), give or take the parser's own read-ahead of a few KiB.
 */
final class RecordSizeLimit extends FilterReader {

    /** One record passed the limit. */
    static final class RecordTooLarge extends IOException {
        RecordTooLarge(String message) {
            super(message, null);
        }
    }

    private final long limit;
    private long read;

    RecordSizeLimit(Reader in, long limit) {
        super(in);
        this.limit = limit;
    }

    /** A new record starts: its count starts again. */
    void nextRecord() {
        read = 0;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            counted(1);
        }
        return c;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    private void counted(int n) throws RecordTooLarge {
        read += n;
        if (read > limit) {
            throw new RecordTooLarge("one record passes " + limit + " characters");
        }
    }
}
