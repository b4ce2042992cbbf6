package org.ketabridge.web;

/**
 * The id every request to the API and to /fhir carries: the client's {@code X-Request-Id} if
 * well formed, else one the bridge makes. It is echoed in the response, kept in the access audit
 * trail and written in logs instead of anything the request said, so one id ties a client's
 * request to its AuditEvent and to the log lines about it.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    /** The request's id as a request attribute too, for what answers it without its response at hand (an error page). */
    public static final String ATTRIBUTE = RequestIds.class.getName();

    private RequestIds() {
    }
}
