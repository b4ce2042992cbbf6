package org.ketabridge.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import org.ketabridge.channel.http.HttpBatchReader;
import org.ketabridge.config.BridgeProperties;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Holds a request body to the intake limit while it is read, before Camel sees the request.
 * Camel's platform-http reads a whole body into memory when it makes the exchange (a chunked body
 * has no length to check first), so a limit checked after that comes too late: a clinic-IT token
 * could send gigabytes. Here the body is read from the socket at most one byte past the limit;
 * one byte more and the request is answered 413 at once, without reading on (Tomcat then drops
 * the connection rather than drain an upload it would have to swallow). A declared
 * Content-Length over the limit is refused before reading anything; a smaller declared length
 * is not trusted (the bytes are counted). The bytes read are passed on in the request, so the
 * intake decodes them itself (strict UTF-8: {@link HttpBatchReader}).
 *
 * <p>After Spring Security (ordered after its chain): a caller without a valid token is refused
 * before a byte of the body is read.
 */
@Component
@Order(SecurityProperties.DEFAULT_FILTER_ORDER + 10)
public class RequestBodyLimitFilter extends OncePerRequestFilter {

    private static final String BODY_ATTRIBUTE = RequestBodyLimitFilter.class.getName() + ".body";

    private final long maxBodyBytes;
    private final ObjectMapper json;

    public RequestBodyLimitFilter(BridgeProperties properties, ObjectMapper json) {
        this.maxBodyBytes = properties.getIntake().getMaxBodyBytes();
        this.json = json;
    }

    /** The body this filter read for the request, or null when it did not read one. */
    public static byte[] bodyOf(HttpServletRequest request) {
        return request.getAttribute(BODY_ATTRIBUTE) instanceof byte[] body ? body : null;
    }

    public static HttpProblem tooLarge(long maxBodyBytes) {
        return new HttpProblem(413, "Payload Too Large",
                "The body is larger than " + maxBodyBytes + " bytes; split it into several requests");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // The record intake: POST /api/v1/clinics/{clinicId}/{kind}. Other POSTs under it carry no body.
        return !"POST".equals(request.getMethod()) || !request.getRequestURI().startsWith("/api/v1/clinics/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            refuse(response);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        }
        if (body.length > maxBodyBytes) {
            refuse(response);
            return;
        }
        request.setAttribute(BODY_ATTRIBUTE, body);
        chain.doFilter(new ReadBodyRequest(request, body), response);
    }

    private void refuse(HttpServletResponse response) throws IOException {
        // The rest of the upload is not wanted: say so, and let the server close instead of draining it.
        response.setHeader("Connection", "close");
        tooLarge(maxBodyBytes).writeTo(json, response);
        response.flushBuffer();
    }
}
