package org.ketabridge.audit;

import ca.uhn.fhir.util.UrlUtil;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.ketabridge.web.ReadBodyRequest;
import org.springframework.web.util.UriUtils;

/**
 * A FHIR search sent by POST as a form ({@code POST /fhir/[type]/_search} or {@code POST
 * /fhir/_search}, application/x-www-form-urlencoded): its parameters are in the body, where the
 * audit trail would not see them. Its body is read here, once, and handed on with the request:
 * HAPI parses those bytes itself when the URL has a query too, and otherwise takes the
 * parameters from the request, which here are the URL's and the form's, parsed as HAPI parses
 * them. No other request's body is read (a resource, an operation's Parameters, the intake's
 * records).
 */
final class SearchFormRequest extends ReadBodyRequest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]+");

    private final String form;
    private final Map<String, String[]> parameters;

    private SearchFormRequest(HttpServletRequest request, byte[] body) {
        super(request, body);
        this.form = new String(body, StandardCharsets.UTF_8);
        this.parameters = Collections.unmodifiableMap(UrlUtil.parseQueryStrings(request.getQueryString(), form));
    }

    /**
     * Whether the request is a search with its parameters in a form body, as the server will take
     * it: the media type as Tomcat compares it (any case, any parameters), and the path as HAPI
     * reads it (segments percent-decoded, empty ones skipped: {@code /fhir/Patient/%5Fsearch/} is a
     * search too). A compressed body is left alone: HAPI takes no parameters from it either.
     */
    static boolean isSearchForm(HttpServletRequest request) {
        String type = request.getContentType();
        return "POST".equals(request.getMethod()) && type != null
                && type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals(FORM)
                && request.getHeader("Content-Encoding") == null && isSearchPath(request.getRequestURI());
    }

    private static boolean isSearchPath(String uri) {
        if (!uri.startsWith("/fhir/")) {
            return false;
        }
        List<String> segments;
        try {
            segments = Arrays.stream(uri.substring("/fhir/".length()).split("/")).filter(s -> !s.isEmpty())
                    .map(s -> UriUtils.decode(s, StandardCharsets.UTF_8)).toList();
        } catch (IllegalArgumentException malformedEscape) {
            return false;
        }
        return segments.equals(List.of("_search"))
                || segments.size() == 2 && RESOURCE_TYPE.matcher(segments.get(0)).matches() && segments.get(1).equals("_search");
    }

    /**
     * The search's body, read to its end; empty when it is longer than {@code maxBytes} (Tomcat's
     * limit for a form, whose parameters it would not take either).
     */
    static Optional<SearchFormRequest> read(HttpServletRequest request, int maxBytes) throws IOException {
        if (request.getContentLengthLong() > maxBytes) {
            return Optional.empty();
        }
        byte[] body = request.getInputStream().readNBytes(maxBytes + 1);
        return body.length > maxBytes ? Optional.empty() : Optional.of(new SearchFormRequest(request, body));
    }

    /**
     * The query string of the same search sent by GET: the URL's query, then the form's
     * parameters, each as the client encoded them (a form body and a query string are encoded
     * alike).
     */
    String searchedQuery() {
        String url = getQueryString();
        if (form.isEmpty()) {
            return url;
        }
        return url == null || url.isEmpty() ? form : url + "&" + form;
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return parameters;
    }

    @Override
    public String getParameter(String name) {
        String[] values = parameters.get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters.keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = parameters.get(name);
        return values == null ? null : values.clone();
    }
}
