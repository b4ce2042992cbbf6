package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.EhrConnection;
import org.ketabridge.config.WriteMode;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.RequestPacer;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.ehr.auth.EhrAuthorization;
import org.ketabridge.ehr.auth.EhrTokenUnavailableException;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;

/**
 * Writes mapped records to one clinic's FHIR R4 EHR, every write conditional on the resource's
 * identifier ({@code PUT Type?identifier=system|value}): create when absent, new version when
 * present, so a retry after any failure can never make a second resource.
 *
 * <p>Built on the JDK's HttpClient rather than HAPI's generic client: the bridge needs the raw
 * status and Retry-After of every answer, per-clinic timeouts, and no hidden retries (Apache
 * HttpClient under HAPI's client silently repeats idempotent requests).
 */
public class FhirEhrClient {

    private static final String FHIR_JSON = "application/fhir+json";

    private final Clinic clinic;
    private final EhrConnection ehr;
    private final HttpClient http;
    private final FhirContext fhir;
    private final RequestPacer pacer;
    private final EhrPlans plans;
    // Tokens (issue 13): where each request's Authorization header comes from.
    private final EhrAuthorization authorization;

    /** With the connection's fixed Authorization header (basic, bearer), if any. */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans) {
        this(clinic, fhir, plans, EhrAuthorization.fixed(clinic.ehr().authorizationHeader()));
    }

    /** @param plans the clinic's write plan ({@code write-mode: auto}); null: auto writes per-resource */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization) {
        this.authorization = authorization;
        this.clinic = clinic;
        this.plans = plans;
        this.ehr = clinic.ehr();
        this.fhir = fhir;
        this.pacer = RequestPacer.of(ehr.ratePerSecond());
        this.http = HttpClient.newBuilder()
                .connectTimeout(ehr.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public WriteResult write(MappedRecord record) {
        try {
            return writeMode() == WriteMode.TRANSACTION ? writeTransaction(record) : writePerResource(record);
        } catch (EhrTokenUnavailableException e) {
            // No access token (issue 13): nothing more was sent; the clinic is held like refused credentials.
            return WriteResult.tokenUnavailable(new WriteResult.TokenUnavailable(e.error(), e.description(), e.httpStatus()));
        }
    }

    // Issue 13 (write plan): write-mode auto writes as the plan read from the EHR's statement says.
    private WriteMode writeMode() {
        if (ehr.writeMode() != WriteMode.AUTO) {
            return ehr.writeMode();
        }
        return plans == null ? WriteMode.PER_RESOURCE : plans.writeMode(clinic.id());
    }

    /** One transaction Bundle: the EHR stores all of the record's resources, or none. */
    private WriteResult writeTransaction(MappedRecord record) {
        Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
        for (MappedResource r : record.resources()) {
            bundle.addEntry()
                    .setFullUrl(r.placeholder())
                    .setResource(r.resource())
                    .getRequest().setMethod(HTTPVerb.PUT).setUrl(writeUrl(r));
        }
        HttpResponse<String> response = send(request(URI.create(ehr.baseUrl().toString()))
                .POST(HttpRequest.BodyPublishers.ofString(parser().encodeResourceToString(bundle))));
        if (response.statusCode() == 429) {
            return WriteResult.throttled(retryAfter(response).orElse(null));
        }
        if (response.statusCode() == 412) {
            return duplicates(response, record.resources().stream().filter(r -> mentions(response, r)).findFirst().orElse(null));
        }
        if (!isSuccess(response.statusCode())) {
            return refused(response);
        }
        Bundle answer = parse(response, Bundle.class);
        if (answer == null || answer.getEntry().isEmpty()) {
            throw new EhrUnavailableException("EHR answered the transaction with no response entries", null);
        }
        int primary = record.resources().indexOf(record.primary());
        if (answer.getEntry().size() <= primary) {
            throw new EhrUnavailableException("EHR answered the transaction with too few response entries", null);
        }
        String location = answer.getEntry().get(primary).getResponse().getLocation();
        String reference = referenceFrom(location, record.primary().resourceType());
        // The id the EHR gave each resource (shared ones are referred to by it from then on).
        Map<String, String> written = new HashMap<>();
        for (int i = 0; i < record.resources().size() && i < answer.getEntry().size(); i++) {
            MappedResource r = record.resources().get(i);
            String at = answer.getEntry().get(i).getResponse().getLocation();
            if (at != null && at.contains(r.resourceType() + "/")) {
                written.put(r.placeholder(), referenceFrom(at, r.resourceType()));
            }
        }
        return WriteResult.stored(reference, written);
    }

    /**
     * One conditional PUT per resource, main resource first; references to resources of the same
     * record are rewritten from their placeholder to the id the EHR gave. Not atomic across the
     * resources: a failure part-way is retried whole, and the conditional writes make the
     * repeated ones no-ops.
     */
    private WriteResult writePerResource(MappedRecord record) {
        Map<String, String> placeholders = new HashMap<>();
        for (MappedResource r : record.resources()) {
            rewriteReferences(r.resource(), placeholders);
            URI uri = URI.create(ehr.baseUrl() + "/" + writeUrl(r));
            HttpResponse<String> response = send(request(uri)
                    .PUT(HttpRequest.BodyPublishers.ofString(parser().encodeResourceToString(r.resource()))));
            if (response.statusCode() == 429) {
                return WriteResult.throttled(retryAfter(response).orElse(null));
            }
            if (response.statusCode() == 412) {
                return duplicates(response, r);
            }
            if (!isSuccess(response.statusCode())) {
                return refused(response);
            }
            placeholders.put(r.placeholder(), referenceOf(response, r.resourceType()));
        }
        return WriteResult.stored(placeholders.get(record.primary().placeholder()), placeholders);
    }

    private void rewriteReferences(Resource resource, Map<String, String> placeholders) {
        if (placeholders.isEmpty()) {
            return;
        }
        for (Reference ref : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            if (ref.hasReference() && placeholders.containsKey(ref.getReference())) {
                ref.setReference(placeholders.get(ref.getReference()));
            }
        }
    }

    /** {@code Type?identifier=system|value}, or {@code Provenance/id} for a resource written by id. */
    private String writeUrl(MappedResource r) {
        if (r.writtenById()) {
            return r.resourceType() + "/" + r.identifierValue();
        }
        String token = r.identifierSystem() + "|" + r.identifierValue();
        return r.resourceType() + "?identifier=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(ehr.requestTimeout())
                .header("Content-Type", FHIR_JSON + "; charset=utf-8")
                .header("Accept", FHIR_JSON);
        return b;
    }

    /**
     * Sends the request with the Authorization header of the moment. A 401 to an access token
     * gets one new token and one more try of this request (issue 13); a second 401 (or a 403)
     * is answered as refused credentials.
     */
    private HttpResponse<String> send(HttpRequest.Builder request) {
        String sentWith = authorize(request);
        HttpResponse<String> response = exchange(request);
        if (response.statusCode() == 401 && sentWith != null && authorization.rejected(sentWith)) {
            authorize(request);
            response = exchange(request);
        }
        int status = response.statusCode();
        // 409: a concurrent conditional write of the same resource (two sessions of one series,
        // say) made the EHR refuse one of them; a retry finds the resource and updates it.
        if (status >= 500 || status == 408 || status == 409) {
            throw new EhrUnavailableException("EHR answered " + status + summary(response), retryAfter(response).orElse(null));
        }
        return response;
    }

    /** Sets the request's Authorization header (throws EhrTokenUnavailableException when no token can be had). */
    private String authorize(HttpRequest.Builder request) {
        Optional<String> header = authorization.header();
        header.ifPresent(h -> request.setHeader("Authorization", h));
        return header.orElse(null);
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            pacer.awaitTurn();
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new EhrUnavailableException("EHR did not answer within " + ehr.requestTimeout().toMillis() + " ms", null);
        } catch (IOException e) {
            throw new EhrUnavailableException("EHR connection failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EhrUnavailableException("interrupted while writing to the EHR", null);
        }
        return response;
    }

    /**
     * 412 to a conditional write is FHIR's "multiple matches": the EHR holds more than one
     * resource with the identifier (HAPI: HAPI-0958/0988 "this search matched 2 resources" per
     * resource, HAPI-2207 "Multiple resources match this search" in a transaction). No write of
     * the bridge can repair that: an alarm, not a refusal of the record. {@code which} is the
     * resource it concerned, or null when a transaction's answer does not say.
     */
    private WriteResult duplicates(HttpResponse<String> response, MappedResource which) {
        return WriteResult.duplicates("EHR holds duplicates: it answered 412" + summary(response),
                new WriteResult.Duplicates(which == null ? null : which.resourceType(),
                        which == null ? null : which.placeholder()));
    }

    /** Whether the EHR's answer names this resource's match URL (as sent, or decoded). */
    private boolean mentions(HttpResponse<String> response, MappedResource r) {
        String body = response.body();
        if (body == null || r.writtenById()) {
            return false;
        }
        String url = writeUrl(r);
        return body.contains(url) || body.contains(URLDecoder.decode(url, StandardCharsets.UTF_8));
    }

    private WriteResult refused(HttpResponse<String> response) {
        // 401 and 403 are about the bridge's credentials (wrong, expired, revoked), not the record.
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            return WriteResult.credentialsRefused(response.statusCode());
        }
        return WriteResult.refused("EHR refused the write with " + response.statusCode() + summary(response));
    }

    /** The diagnostics of an OperationOutcome, when the EHR sent one. */
    private String summary(HttpResponse<String> response) {
        OperationOutcome outcome = parse(response, OperationOutcome.class);
        if (outcome == null || outcome.getIssue().isEmpty()) {
            return "";
        }
        return ": " + outcome.getIssue().stream()
                .map(i -> i.getSeverity() + " " + i.getCode() + (i.hasDiagnostics() ? " " + i.getDiagnostics() : ""))
                .collect(Collectors.joining("; "));
    }

    private <T extends IBaseResource> T parse(HttpResponse<String> response, Class<T> type) {
        String body = response.body();
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            IBaseResource parsed = parser().parseResource(body);
            return type.isInstance(parsed) ? type.cast(parsed) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The id the EHR gave: from Location or Content-Location, else from the returned resource. */
    private String referenceOf(HttpResponse<String> response, String resourceType) {
        Optional<String> location = response.headers().firstValue("Location")
                .or(() -> response.headers().firstValue("Content-Location"));
        if (location.isPresent()) {
            return referenceFrom(location.get(), resourceType);
        }
        Resource body = parse(response, Resource.class);
        if (body != null && body.hasIdElement() && body.getIdElement().hasIdPart()) {
            return resourceType + "/" + body.getIdElement().getIdPart();
        }
        throw new EhrUnavailableException("EHR stored the resource but did not say its id", null);
    }

    /** {@code http://ehr/fhir/Encounter/42/_history/3} → {@code Encounter/42}. */
    static String referenceFrom(String location, String resourceType) {
        if (location == null) {
            throw new EhrUnavailableException("EHR answered without a location", null);
        }
        String[] parts = location.split("/");
        for (int i = parts.length - 2; i >= 0; i--) {
            if (parts[i].equals(resourceType)) {
                return resourceType + "/" + parts[i + 1];
            }
        }
        throw new EhrUnavailableException("EHR answered with an unreadable location", null);
    }

    /** Retry-After as seconds or as an HTTP date. */
    private static Optional<Duration> retryAfter(HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    return Optional.of(Duration.between(Instant.now(), at.toInstant()));
                } catch (DateTimeParseException notDate) {
                    return Optional.empty();
                }
            }
        });
    }

    private static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    private IParser parser() {
        return fhir.newJsonParser();
    }

    public String clinicId() {
        return clinic.id();
    }
}
