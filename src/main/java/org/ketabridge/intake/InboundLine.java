package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record as it arrived, before any rule: its line (1-based, for NDJSON and CSV; 1 for a single
 * JSON body) and either the parsed object or why it could not be read at all.
 */
public record InboundLine(int line, JsonNode json, String unreadableBecause) {

    public static InboundLine of(int line, JsonNode json) {
        return new InboundLine(line, json, null);
    }

    public static InboundLine unreadable(int line, String reason) {
        return new InboundLine(line, null, reason);
    }
}
