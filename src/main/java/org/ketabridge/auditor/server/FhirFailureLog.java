package org.ketabridge.auditor.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ketabridge.logging.LogSafe;
import org.ketabridge.web.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a /fhir request that failed, without what it asked. HAPI's own exception handler logs
 * every refusal with its message, and its messages quote the request ("Invalid date/time format:
 * 'Smith'", "Resource Patient/MRN-123 is not known"): that logger is off (application.yaml) and
 * this one says which request (its X-Request-Id, so the AuditEvent with the full query can be
 * found), the status, the kind of error and HAPI's message code. Refusals (4xx) are the caller's
 * business and go at debug; failures (5xx) at error.
 */
@Interceptor
public class FhirFailureLog {

    private static final Logger log = LoggerFactory.getLogger(FhirFailureLog.class);
    private static final Pattern HAPI_CODE = Pattern.compile("HAPI-\\d{1,5}");

    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public boolean failed(HttpServletResponse response, BaseServerResponseException exception) {
        String requestId = response.getHeader(RequestIds.HEADER);
        int status = exception.getStatusCode();
        if (status >= 500) {
            log.error("FHIR request {} failed: HTTP {} {} {}", requestId, status, LogSafe.kinds(exception), codeOf(exception));
        } else {
            log.debug("FHIR request {} refused: HTTP {} {} {}", requestId, status, exception.getClass().getSimpleName(),
                    codeOf(exception));
        }
        return true;
    }

    private static String codeOf(Throwable error) {
        Matcher code = HAPI_CODE.matcher(Objects.requireNonNullElse(error.getMessage(), ""));
        return code.find() ? code.group() : "";
    }
}
