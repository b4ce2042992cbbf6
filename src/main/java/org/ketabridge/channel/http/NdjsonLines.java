package org.ketabridge.channel.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.ketabridge.channel.http.RecordJsonReader.UnreadableJson;
import org.ketabridge.intake.InboundLine;

/**
 * NDJSON bytes as records, one per line: the one reading of a line for the HTTP channel and for
 * the demo's sample files, so a line means the same wherever it comes from (strict UTF-8, exact
 * numbers, see {@link RecordJsonReader}). A line that is not JSON is kept as unreadable, to be
 * rejected alone; a blank line is counted, so later lines keep the numbers an editor shows.
 */
public final class NdjsonLines {

    private final RecordJsonReader json = new RecordJsonReader();

    /** Lines end at LF (a CR before it is dropped); 0x0A never occurs inside a UTF-8 multi-byte character. */
    public List<InboundLine> read(byte[] body, int start) {
        List<InboundLine> lines = new ArrayList<>();
        int number = 0;
        int from = start;
        while (from < body.length) {
            int lf = indexOf(body, (byte) '\n', from);
            int end = lf < 0 ? body.length : lf;
            int to = end > from && body[end - 1] == '\r' ? end - 1 : end;
            number++;
            try {
                JsonNode node = json.read(body, from, to);
                if (node != null) {
                    lines.add(InboundLine.of(number, node));
                }
            } catch (UnreadableJson e) {
                lines.add(InboundLine.unreadable(number, e.getMessage()));
            }
            from = end + 1;
        }
        return lines;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
