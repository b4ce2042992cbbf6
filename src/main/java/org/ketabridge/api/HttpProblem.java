package org.ketabridge.api;

/**
 * A request refused whole, before any record is looked at (unknown clinic, not JSON, too large,
 * wrong media type): answered with its HTTP status and a problem+json body (RFC 9457).
 */
public class HttpProblem extends RuntimeException {

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
    public static HttpProblem unknownClinic(String clinicId) {
        return notFound("No clinic '" + clinicId + "' is configured");
    }

    public static HttpProblem badRequest(String detail) { return new HttpProblem(400, "Bad Request", detail); }
}
