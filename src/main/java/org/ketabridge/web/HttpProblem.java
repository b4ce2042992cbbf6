package org.ketabridge.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request refused whole, before any record is looked at (unknown clinic, not JSON, too large,
 * wrong media type): answered with its HTTP status and a problem+json body (RFC 9457).
 */
public class HttpProblem extends RuntimeException {

    public static final String MEDIA_TYPE = "application/problem+json";

    private final int status;
    private final String title;

    public HttpProblem(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public int status() { return status; }
    public String title() { return title; }
    public String detail() { return getMessage(); }

    public static HttpProblem notFound(String detail) { return new HttpProblem(404, "Not Found", detail); }

    public static HttpProblem badRequest(String detail) { return new HttpProblem(400, "Bad Request", detail); }

    /** The problem+json body (RFC 9457): status, title, detail. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("title", title);
        body.put("detail", detail());
        return body;
    }

    /** Answers a servlet request with this problem (for filters, which answer before Camel sees the request). */
    public void writeTo(ObjectMapper json, HttpServletResponse response) throws IOException {
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        json.writeValue(response.getOutputStream(), body());
    }
}
