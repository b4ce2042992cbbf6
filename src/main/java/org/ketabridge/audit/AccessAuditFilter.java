package org.ketabridge.audit;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.ketabridge.auditor.server.FhirEndpointServlet;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.AccessAuditLog;
import org.ketabridge.db.AccessRecord;
import org.ketabridge.security.Caller;
import org.ketabridge.security.ClinicPaths;
import org.ketabridge.security.IssueTokenCommand;
import org.ketabridge.security.Role;
import org.ketabridge.web.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records every request to the bridge's API, to /fhir and to the web console's pages (not their
 * style sheet and script) in the access audit trail, whatever its
 * outcome: refused for want of a valid token (401), for its role or scope (403, 404), answered,
 * or failed. It sits inside Spring Security's chain, right after the security context is set up,
 * so that it sees the verified caller (if any) and the final status of every request. Each
 * request gets an X-Request-Id (the client's, if it sent a well-formed one), echoed in the
 * response and kept with the record, so a client can find the AuditEvent of its own request.
 * What was asked is the query string; a FHIR search sent by POST as a form is recorded with its
 * form's parameters, as the query string of the same search by GET ({@link SearchFormRequest}).
 */
public class AccessAuditFilter extends OncePerRequestFilter {

    private static final Pattern WELL_FORMED_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Logger log = LoggerFactory.getLogger(AccessAuditFilter.class);
    private static final String CONSOLE = "/console";
    private static final String CONSOLE_ASSETS = "/console/assets/";

    private final AccessAuditLog trail;
    private final ClinicRegistry clinics;
    private final Clock clock;
    private final int maxFormBytes;

    /** {@code maxFormBytes}: the longest search form read (Tomcat's limit for a form body). */
    public AccessAuditFilter(AccessAuditLog trail, ClinicRegistry clinics, Clock clock, int maxFormBytes) {
        this.trail = trail;
        this.clinics = clinics;
        this.clock = clock;
        this.maxFormBytes = maxFormBytes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        boolean consolePage = (path.equals(CONSOLE) || path.startsWith(CONSOLE + "/")) && !path.startsWith(CONSOLE_ASSETS);
        return !(path.startsWith("/api/") || path.equals("/fhir") || path.startsWith("/fhir/") || consolePage);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String sent = request.getHeader(RequestIds.HEADER);
        String requestId = sent != null && WELL_FORMED_ID.matcher(sent).matches() ? sent : UUID.randomUUID().toString();
        response.setHeader(RequestIds.HEADER, requestId);
        request.setAttribute(RequestIds.ATTRIBUTE, requestId);
        String query = request.getQueryString();
        Map<String, String[]> parameters = Map.of();
        boolean failed = false;
        try {
            HttpServletRequest passedOn = request;
            if (SearchFormRequest.isSearchForm(request)) {
                // A search by POST: what was searched is in the form, which an auditor must see as
                // the query of the same search by GET. Read before anything parses the form.
                Optional<SearchFormRequest> form = SearchFormRequest.read(request, maxFormBytes);
                if (form.isEmpty()) {
                    response.setStatus(413);
                    FhirEndpointServlet.writeOutcome(response, "too-long",
                            "A search form is limited to " + maxFormBytes + " bytes");
                    return;
                }
                passedOn = form.get();
                query = form.get().searchedQuery();
            }
            // The query (and form) parameters, read now, on the request's thread: Camel's HTTP routes go
            // on on a thread of their own once the chain returns, and the servlet container parses the
            // parameters on first use, not thread-safely. First read below, after the chain, they raced
            // the route's own reading of them, which then sometimes found none (a receipt's ?fromRow=).
            parameters = passedOn.getParameterMap();
            chain.doFilter(passedOn, response);
        } catch (IOException | ServletException | RuntimeException e) {
            failed = true;
            throw e;
        } finally {
            // Who and what are known now, on the request's thread; the status only once the
            // answer is complete, which for Camel's asynchronous HTTP routes is later.
            AccessRecord pending = describe(request, requestId, query, parameters);
            if (!failed && request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override public void onComplete(AsyncEvent event) { append(pending, response.getStatus()); }
                    @Override public void onTimeout(AsyncEvent event) { append(pending, 503); }
                    @Override public void onError(AsyncEvent event) { append(pending, 500); }
                    @Override public void onStartAsync(AsyncEvent event) { }
                });
            } else {
                append(pending, failed ? 500 : response.getStatus());
            }
        }
    }

    private AccessRecord describe(HttpServletRequest request, String requestId, String query, Map<String, String[]> parameters) {
        Object principal = Optional.ofNullable(SecurityContextHolder.getContext().getAuthentication())
                .map(a -> a.getPrincipal()).orElse(null);
        Optional<Caller> caller = Caller.current();
        String path = request.getRequestURI();
        // A console sign-in's query is its link's token: spent by now, but a credential all the same.
        String kept = path.equals(IssueTokenCommand.SIGN_IN_PATH) ? null : query;
        return new AccessRecord(0, requestId, clock.instant(),
                principal instanceof Jwt token ? token.getSubject() : caller.map(Caller::subject).orElse(null),
                principal instanceof Jwt token ? token.getClaimAsString("iss")
                        : principal instanceof Caller.SignedIn signedIn ? signedIn.issuer() : null,
                caller.map(c -> c.role().claim()).orElse(null),
                caller.map(Caller::clinics).orElse(null),
                request.getRemoteAddr(), request.getMethod(), path, kept, 0,
                clinicOf(path, parameters.get("clinic"), caller), PatientOfRequest.of(path, parameters));
    }

    private void append(AccessRecord pending, int status) {
        AccessRecord r = pending.withStatus(status);
        try {
            trail.append(r);
        } catch (RuntimeException e) {
            // The request has been answered; losing its audit record must at least be loud.
            // Request id, method and status only: the path and the error's message may carry patient data.
            log.error("Could not record the access audit of request {} ({}, HTTP {}): {}", r.requestId(), r.method(), r.status(),
                    e.getClass().getSimpleName());
        }
    }

    /**
     * The clinic whose partition keeps the AuditEvent: the clinic an API path names, or a /fhir
     * request's {@code clinic} parameter names (if it exists: its auditors see who asked about
     * it, allowed or refused), or the one clinic of an auditor's token. Otherwise none: the
     * default partition, which admins see (an auditor of several clinics, an admin, a caller
     * without a valid token).
     */
    private String clinicOf(String path, String[] clinicParameter, Optional<Caller> caller) {
        String named = ClinicPaths.clinicOf(path);
        if (named != null) {
            return clinics.find(named).isPresent() ? named : null;
        }
        if (clinicParameter != null && clinicParameter.length == 1 && clinics.find(clinicParameter[0]).isPresent()) {
            return clinicParameter[0];
        }
        Set<String> covered = caller.filter(c -> c.role() == Role.AUDITOR).map(Caller::clinics).orElse(Set.of());
        var known = covered.stream().filter(c -> clinics.find(c).isPresent()).toList();
        return known.size() == 1 ? known.get(0) : null;
    }
}
