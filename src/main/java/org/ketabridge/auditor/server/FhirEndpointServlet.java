package org.ketabridge.auditor.server;

import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.ketabridge.auditor.scope.AllowedInteractions;
import org.ketabridge.auditor.scope.ClinicScopeInterceptor;

/**
 * /fhir in the bridge's own web server: hands each request to the auditors' store's HAPI
 * RestfulServer, or, while the store is still starting, answers 503 with Retry-After and an
 * OperationOutcome saying so. Authentication happened before (Spring Security); which clinics'
 * data the request sees is decided in the store ({@link ClinicScopeInterceptor}).
 */
public class FhirEndpointServlet extends HttpServlet {

    private final transient AuditorStore store;
    private transient volatile RestfulServer initialised;

    public FhirEndpointServlet(AuditorStore store) {
        this.store = store;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (!mayBeARead(request)) {
            // Read-only for every role: what the store holds comes only from the bridge's records,
            // and its audit trail can never be edited. Which POSTs are searches only HAPI can tell
            // (AllowedInteractions); anything else is refused here, even while the store starts.
            response.setStatus(405);
            response.setHeader("Allow", "GET");
            writeOutcome(response, "not-supported", "This FHIR endpoint is read-only: " + request.getMethod() + " is not allowed");
            return;
        }
        Optional<RestfulServer> server = store.restfulServer();
        if (server.isEmpty()) {
            response.setStatus(503);
            response.setHeader("Retry-After", "10");
            writeOutcome(response, "transient", "The auditors' FHIR store is starting; try again shortly");
            return;
        }
        initialise(server.get()).service(request, response);
    }

    /** GET, and POST, which is a read only when HAPI finds it is a search with a body (AllowedInteractions). */
    private static boolean mayBeARead(HttpServletRequest request) {
        return request.getMethod().equals("GET") || request.getMethod().equals("POST");
    }

    /** An OperationOutcome of one error issue, as the answer. */
    public static void writeOutcome(HttpServletResponse response, String code, String diagnostics) throws IOException {
        response.setContentType("application/fhir+json");
        response.getWriter().write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"" + code + "\",\"diagnostics\":\"" + diagnostics + "\"}]}");
    }

    private RestfulServer initialise(RestfulServer server) throws ServletException {
        if (initialised != server) {
            synchronized (this) {
                if (initialised != server) {
                    server.init(getServletConfig());
                    initialised = server;
                }
            }
        }
        return server;
    }
}
