package org.ketabridge.channel.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.ketabridge.channel.http.RecordJsonReader;
import org.ketabridge.intake.InboundLine;

/**
 * One CSV row as the contract's JSON record, so that intake checks it exactly as a record sent
 * over HTTP: an empty cell is an absent field; a number cell is read as the JSON number it spells
 * (same reader as HTTP: the same record is the same content); a list cell is split on {@code ;}
 * ({@code none}: the empty list). Columns the contract does not know are left out, as unknown
 * JSON fields are ignored.
 */
final class CsvRowJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final CsvFileKind kind;
    private final List<String> header;
    private final RecordJsonReader numbers = new RecordJsonReader();

    CsvRowJson(CsvFileKind kind, List<String> header) {
        this.kind = kind;
        this.header = header;
    }

    InboundLine line(CsvRows.Row row) {
        int line = Math.toIntExact(row.line());
        if (row.record().size() != header.size()) {
            return InboundLine.unreadable(line, "has " + row.record().size() + " cells where the header has " + header.size());
        }
        ObjectNode record = NODES.objectNode();
        for (int i = 0; i < header.size(); i++) {
            CsvFileKind.Cell cell = kind.cell(header.get(i));
            String value = row.record().get(i);
            if (cell != null && !value.isEmpty()) {
                record.set(header.get(i), value(cell, value));
            }
        }
        return InboundLine.of(line, record);
    }

    private JsonNode value(CsvFileKind.Cell cell, String text) {
        return switch (cell) {
            case TEXT -> NODES.textNode(text);
            case NUMBER -> number(text);
            case TEXT_LIST, NUMBER_LIST -> {
                ArrayNode list = NODES.arrayNode();
                if (!text.equals("none")) {
                    for (String item : text.split(";", -1)) {
                        list.add(cell == CsvFileKind.Cell.NUMBER_LIST ? number(item.strip()) : NODES.textNode(item.strip()));
                    }
                }
                yield list;
            }
        };
    }

    /** Not a number: kept as text, so the contract's check names the field ("must be a number"). */
    private JsonNode number(String text) {
        JsonNode number = numbers.number(text);
        return number != null ? number : NODES.textNode(text);
    }
}
