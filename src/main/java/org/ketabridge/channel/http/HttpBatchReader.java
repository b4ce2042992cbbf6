package org.ketabridge.channel.http;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.channel.http.RecordJsonReader.UnreadableJson;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.intake.InboundLine;
import org.ketabridge.intake.IntakeBatch;
import org.ketabridge.record.RecordKind;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.HttpProblem;
import org.ketabridge.web.RequestBodyLimitFilter;
import org.springframework.stereotype.Component;

/**
 * Reads {@code POST /api/v1/clinics/{clinicId}/{kind}s} into an {@link IntakeBatch}: one JSON
 * object ({@code application/json}) or one per line ({@code application/x-ndjson}), in UTF-8 (a
 * byte-order mark is skipped). Refuses the request whole when the clinic or kind is unknown (404),
 * the media type or the charset is not one of those (415), the body is too large (413) or a single
 * JSON body is not one JSON value in UTF-8 (400). In NDJSON an unreadable line rejects that line
 * only. The body's bytes are those {@link RequestBodyLimitFilter} read, within the limit.
 */
@Component("httpBatchReader")
public class HttpBatchReader implements Processor {

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final ClinicGuard clinics;
    private final RecordJsonReader json = new RecordJsonReader();
    private final NdjsonLines ndjson = new NdjsonLines();
    private final long maxBodyBytes;

    public HttpBatchReader(ClinicGuard clinics, BridgeProperties properties) {
        this.clinics = clinics;
        this.maxBodyBytes = properties.getIntake().getMaxBodyBytes();
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Clinic clinic = clinics.require(exchange);
        String collection = exchange.getIn().getHeader("kind", String.class);
        RecordKind kind = RecordKind.fromCollection(collection)
                .orElseThrow(() -> HttpProblem.notFound("Unknown record kind '" + collection
                        + "'; expected patients, encounters, doses or scores"));
        boolean ndjson = isNdjson(exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class));
        byte[] body = body(exchange);
        refuseOtherEncodings(body);
        int start = startsWith(body, UTF8_BOM) ? UTF8_BOM.length : 0;
        List<InboundLine> lines = ndjson ? ndjsonLines(body, start) : List.of(singleObject(body, start));
        if (lines.isEmpty()) {
            throw HttpProblem.badRequest("The body holds no record");
        }
        exchange.getMessage().setBody(new IntakeBatch(clinic, kind, "http", lines));
    }

    private static boolean isNdjson(String contentType) {
        String[] parts = contentType == null ? new String[] {""} : contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        boolean ndjson;
        switch (type) {
            case "application/json": ndjson = false; break;
            case "application/x-ndjson":
            case "application/ndjson": ndjson = true; break;
            default:
                throw new HttpProblem(415, "Unsupported Media Type",
                        "Send application/json (one record) or application/x-ndjson (one record per line)");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset") && parameter.length == 2
                    && !parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
                throw notUtf8();
            }
        }
        return ndjson;
    }

    /** UTF-16 and UTF-32 JSON (by byte-order mark, or by the zero bytes of ASCII text in them) get 415, not "not JSON". */
    private static void refuseOtherEncodings(byte[] body) {
        boolean utf16or32Bom = body.length >= 2 && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
                || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE));
        boolean utf32BeBom = body.length >= 4 && body[0] == 0 && body[1] == 0 && body[2] == (byte) 0xFE && body[3] == (byte) 0xFF;
        boolean zeroBytes = body.length >= 2 && (body[0] == 0 || body[1] == 0);
        if (utf16or32Bom || utf32BeBom || zeroBytes) {
            throw notUtf8();
        }
    }

    private static HttpProblem notUtf8() {
        return new HttpProblem(415, "Unsupported Media Type", "Send the records in UTF-8 (RFC 8259); this body is in another encoding");
    }

    /**
     * The bytes {@link RequestBodyLimitFilter} read and kept. Without it (a route reached another
     * way), the body stream read here, never more than one byte past the limit.
     */
    private byte[] body(Exchange exchange) throws IOException {
        HttpServletRequest request = exchange.getIn().getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        byte[] read = request == null ? null : RequestBodyLimitFilter.bodyOf(request);
        if (read != null) {
            return read;
        }
        InputStream in = exchange.getIn().getBody(InputStream.class);
        if (in == null) {
            return new byte[0];
        }
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        if (bytes.length > maxBodyBytes) {
            throw RequestBodyLimitFilter.tooLarge(maxBodyBytes);
        }
        return bytes;
    }

    private InboundLine singleObject(byte[] body, int start) {
        try {
            JsonNode node = json.read(body, start, body.length);
            if (node == null) {
                throw HttpProblem.badRequest("The body holds no record");
            }
            return InboundLine.of(1, node);
        } catch (UnreadableJson e) {
            String where = e.where();
            String what = e.getMessage().equals("not valid JSON") ? "not JSON" : e.getMessage();
            throw HttpProblem.badRequest("The body is " + what + (where == null ? "" : " (" + where + ")")
                    + (e.getMessage().equals("more than one JSON value") ? "; send one record per line as application/x-ndjson" : ""));
        }
    }

    /** In NDJSON an unreadable line rejects that line only, unless no line at all can be read. */
    private List<InboundLine> ndjsonLines(byte[] body, int start) {
        List<InboundLine> lines = ndjson.read(body, start);
        if (!lines.isEmpty() && lines.stream().allMatch(line -> line.json() == null)) {
            throw HttpProblem.badRequest("No line of the body is JSON in UTF-8");
        }
        return lines;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
