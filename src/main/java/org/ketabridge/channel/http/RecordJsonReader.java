package org.ketabridge.channel.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one record's JSON text from bytes, the way the contract means it: UTF-8 and nothing else
 * (decoded strictly, so a Latin-1 byte is an error, never a replacement character), one JSON value,
 * nested no deeper than a record can be, and every number exact (decimals as BigDecimal: 1e400
 * and 1000.0000000000000001 reach the contract's checks as what they are, not as infinity or 1000).
 * Why a reason and never Jackson's message: that quotes the input, which may be patient data.
 */
public final class RecordJsonReader {

    /** A record is an object holding a list of objects (vitals): 3 levels. Room for growth, none for abuse. */
    static final int MAX_NESTING_DEPTH = 16;

    private final ObjectReader reader;

    public RecordJsonReader() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        this.reader = JsonMapper.builder(factory).build().reader()
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // 72.50 stays 72.50, as it was stored before numbers were read exactly: same content, same hash.
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /** The JSON value in {@code bytes[from, to)}; null when there is none (only whitespace). */
    JsonNode read(byte[] bytes, int from, int to) throws UnreadableJson {
        String text = decodeUtf8(bytes, from, to);
        if (text.isBlank()) {
            return null;
        }
        try {
            return reader.readTree(text);
        } catch (StreamConstraintsException e) {
            String message = String.valueOf(e.getOriginalMessage());
            throw new UnreadableJson(message.startsWith("Document nesting depth")
                    ? "nested deeper than " + MAX_NESTING_DEPTH + " levels"
                    : "a number, string or name is longer than the bridge reads");
        } catch (MismatchedInputException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Trailing token")) {
                throw new UnreadableJson("more than one JSON value", e);
            }
            throw new UnreadableJson("not valid JSON", e);
        } catch (JsonProcessingException e) {
            throw new UnreadableJson("not valid JSON", e);
        }
    }

    /**
     * A text (a CSV cell) read as a JSON number exactly as a number in a JSON record is read, so
     * the same record over HTTP and in a file is the same content; null when it is not a JSON
     * number (the contract's checks then say what the field wants).
     */
    public JsonNode number(String text) {
        if (text.isEmpty() || !(text.charAt(0) == '-' || Character.isDigit(text.charAt(0)))) {
            return null;
        }
        try {
            JsonNode node = reader.readTree(text);
            return node != null && node.isNumber() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Strict UTF-8: the first malformed byte is named by its offset, never by its value. */
    private static String decodeUtf8(byte[] bytes, int from, int to) throws UnreadableJson {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate(to - from);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new UnreadableJson("not UTF-8 (byte " + (in.position() - from + 1) + ")");
        }
        result = decoder.flush(out);
        if (result.isError()) {
            throw new UnreadableJson("not UTF-8 (at the end)");
        }
        return out.flip().toString();
    }

    /** Why a text is not one readable JSON value; the detail never quotes the input. */
    static final class UnreadableJson extends Exception {
        private final JsonProcessingException cause;

        UnreadableJson(String reason) {
            this(reason, null);
        }

        UnreadableJson(String reason, JsonProcessingException cause) {
            super(reason, null, false, false);
            this.cause = cause;
        }

        /** "line 2, column 7" within the text read, when the parser knew where. */
        String where() {
            if (cause == null || cause.getLocation() == null) {
                return null;
            }
            return "line " + cause.getLocation().getLineNr() + ", column " + cause.getLocation().getColumnNr();
        }
    }
}
