package org.ketabridge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.InboundLine;
import org.ketabridge.intake.IntakeBatch;
import org.ketabridge.intake.RecordKind;
import org.springframework.stereotype.Component;

/**
 * Reads {@code POST /api/v1/clinics/{clinicId}/{kind}s} into an {@link IntakeBatch}: one JSON
 * object ({@code application/json}) or one per line ({@code application/x-ndjson}). Refuses the
 * request whole when the clinic or kind is unknown (404), the media type is not one of those
 * (415), the body is too large (413) or a single JSON body is not JSON (400). In NDJSON an
 * unreadable line rejects that line only.
 */
@Component("httpBatchReader")
public class HttpBatchReader implements Processor {

    private final ClinicRegistry clinics;
    private final ObjectMapper json;
    private final long maxBodyBytes;

    public HttpBatchReader(ClinicRegistry clinics, ObjectMapper json, BridgeProperties properties) {
        this.clinics = clinics;
        this.json = json;
        this.maxBodyBytes = properties.getIntake().getMaxBodyBytes();
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        String clinicId = exchange.getIn().getHeader("clinicId", String.class);
        Clinic clinic = clinics.find(clinicId)
                .orElseThrow(() -> HttpProblem.unknownClinic(clinicId));
        String collection = exchange.getIn().getHeader("kind", String.class);
        RecordKind kind = RecordKind.fromCollection(collection)
                .orElseThrow(() -> HttpProblem.notFound("Unknown record kind '" + collection
                        + "'; expected patients, encounters, doses or scores"));
        boolean ndjson = isNdjson(exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class));
        byte[] body = readBounded(exchange);
        List<InboundLine> lines = ndjson ? ndjsonLines(body) : List.of(singleObject(body));
        if (lines.isEmpty()) {
            throw HttpProblem.badRequest("The body holds no record");
        }
        exchange.getMessage().setBody(new IntakeBatch(clinic, kind, "http", lines));
    }

    private static boolean isNdjson(String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        switch (type) {
            case "application/json": return false;
            case "application/x-ndjson":
            case "application/ndjson": return true;
            default:
                throw new HttpProblem(415, "Unsupported Media Type",
                        "Send application/json (one record) or application/x-ndjson (one record per line)");
        }
    }

    private byte[] readBounded(Exchange exchange) throws IOException {
        Long declared = exchange.getIn().getHeader("Content-Length", Long.class);
        if (declared != null && declared > maxBodyBytes) {
            throw tooLarge();
        }
        InputStream in = exchange.getIn().getBody(InputStream.class);
        if (in == null) {
            return new byte[0];
        }
        // Read at most one byte past the limit: a chunked body of unknown length is bounded too.
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        if (bytes.length > maxBodyBytes) {
            throw tooLarge();
        }
        return bytes;
    }

    private HttpProblem tooLarge() {
        return new HttpProblem(413, "Payload Too Large",
                "The body is larger than " + maxBodyBytes + " bytes; split it into several requests");
    }

    private InboundLine singleObject(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw HttpProblem.badRequest("The body holds no record");
            }
            return InboundLine.of(1, node);
        } catch (JsonProcessingException e) {
            throw HttpProblem.badRequest("The body is not JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw HttpProblem.badRequest("The body could not be read");
        }
    }

    private List<InboundLine> ndjsonLines(byte[] body) throws IOException {
        List<InboundLine> lines = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(
                new java.io.ByteArrayInputStream(body), StandardCharsets.UTF_8));
        String text;
        int number = 0;
        int unreadable = 0;
        while ((text = reader.readLine()) != null) {
            number++;
            if (text.isBlank()) {
                continue;
            }
            try {
                lines.add(InboundLine.of(number, json.readTree(text)));
            } catch (JsonProcessingException e) {
                unreadable++;
                lines.add(InboundLine.unreadable(number, "not valid JSON"));
            }
        }
        if (!lines.isEmpty() && unreadable == lines.size()) {
            throw HttpProblem.badRequest("No line of the body is JSON");
        }
        return lines;
    }
}
