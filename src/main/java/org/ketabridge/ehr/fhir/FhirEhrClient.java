package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
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
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.db.EhrResources;
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
 * present, so a retry after any failure can never make a second resource. A type the clinic's
 * plan writes {@code create-update} (an EHR without conditional writes, issue 13) is created by a
 * plain POST once, recorded in the intent log ({@code db/EhrResources}) before it is sent, and
 * updated by {@code PUT Type/id} with {@code If-Match} from then on; a create whose answer was lost
 * is looked up, never posted blindly again.
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
    // Create-update (issue 13): the intent log of what this client creates by plain POST; null: none.
    private final EhrResources intents;
    // The intent log's times, and when an uncertain create may be looked up (see settle()).
    private final Clock clock;

    /** With the connection's fixed Authorization header (basic, bearer), if any. */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans) {
        this(clinic, fhir, plans, EhrAuthorization.fixed(clinic.ehr().authorizationHeader()));
    }

    /** @param plans the clinic's write plan ({@code write-mode: auto}); null: auto writes per-resource */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization) {
        this(clinic, fhir, plans, authorization, null);
    }

    /**
     * @param intents the intent log the {@code create-update} strategy needs (issue 13); null: a type the
     *                plan says {@code create-update} for is written as today (conditional PUT)
     */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization,
                         EhrResources intents) {
        this(clinic, fhir, plans, authorization, intents, Clock.systemUTC());
    }

    /** @param clock the intent log's clock (tests drive it to show when an uncertain create may be looked up) */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization,
                         EhrResources intents, Clock clock) {
        this.intents = intents;
        this.clock = clock;
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
        return write(record, null);
    }

    /** @param taskId the sync task writing it (recorded in the intent log of create-update), or null */
    public WriteResult write(MappedRecord record, Long taskId) {
        try {
            // Create-update (issue 13): a record with a type planned create-update is written per resource.
            return writeMode() == WriteMode.TRANSACTION && !anyCreateUpdate(record)
                    ? writeTransaction(record) : writePerResource(record, taskId);
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
    private WriteResult writePerResource(MappedRecord record, Long taskId) {
        Map<String, String> placeholders = new HashMap<>();
        for (MappedResource r : record.resources()) {
            rewriteReferences(r.resource(), placeholders);
            if (createUpdate(r)) {
                // Create-update (issue 13): POST once, then PUT Type/id with If-Match; the EHR's id kept in the intent log.
                Step step = createOrUpdate(r, taskId);
                if (step.stop() != null) {
                    return step.stop();
                }
                placeholders.put(r.placeholder(), step.reference());
                continue;
            }
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
        HttpResponse<String> response = answer(request);
        int status = response.statusCode();
        // 409: a concurrent conditional write of the same resource (two sessions of one series,
        // say) made the EHR refuse one of them; a retry finds the resource and updates it.
        if (status >= 500 || status == 408 || status == 409) {
            throw new EhrUnavailableException("EHR answered " + status + summary(response), retryAfter(response).orElse(null));
        }
        return response;
    }

    /** The EHR's answer, whatever its status (one new token and one more try after a 401 to an access token). */
    private HttpResponse<String> answer(HttpRequest.Builder request) {
        String sentWith = authorize(request);
        HttpResponse<String> response = exchange(request);
        if (response.statusCode() == 401 && sentWith != null && authorization.rejected(sentWith)) {
            authorize(request);
            response = exchange(request);
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
        } catch (HttpConnectTimeoutException e) {
            // Create-update (issue 13): no connection, so the request was certainly not sent (same words as before).
            throw new NotSentException("EHR did not answer within " + ehr.requestTimeout().toMillis() + " ms");
        } catch (ConnectException e) {
            throw new NotSentException("EHR connection failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
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

    // ---- Issue 13, create-update: plain create, then versioned update, never creating twice ----

    /** How many times a versioned update is sent again after a version conflict (409/412) and a re-read. */
    static final int VERSION_CONFLICT_RESENDS = 3;

    /** What writing one resource by create-update came to: its EHR reference, or an answer that ends the write. */
    private record Step(String reference, WriteResult stop) {
        static Step stop(WriteResult result) {
            return new Step(null, result);
        }
    }

    private Optional<WritePlan.TypePlan> typePlan(String resourceType) {
        return plans == null ? Optional.empty() : plans.of(clinic.id()).map(p -> p.of(resourceType));
    }

    /** Whether the plan says create-update for the resource's type (and the intent log it needs is there). */
    private boolean createUpdate(MappedResource r) {
        return intents != null && typePlan(r.resourceType()).map(p -> p.strategy() == WriteStrategy.CREATE_UPDATE).orElse(false);
    }

    private boolean anyCreateUpdate(MappedRecord record) {
        return record.resources().stream().anyMatch(this::createUpdate);
    }

    private EhrResources.Key intentKey(MappedResource r) {
        return new EhrResources.Key(clinic.id(), r.resourceType(), r.writtenById() ? "" : r.identifierSystem(),
                r.identifierValue());
    }

    /**
     * One resource of a create-update type. Known to the intent log as CREATED: updated to its
     * EHR id with {@code If-Match} (nothing sent when the body is the one last sent). Known as
     * CREATING or UNCERTAIN (a crash, or a lost answer to its POST): looked up by identifier
     * first, never posted blindly again. Unknown: recorded as CREATING (committed), then POSTed.
     */
    private Step createOrUpdate(MappedResource r, Long taskId) {
        EhrResources.Key key = intentKey(r);
        Resource body = r.resource().copy();
        body.setId((String) null);
        String json = parser().encodeResourceToString(body);
        String hash = sha256(json);
        Optional<EhrResources.Entry> entry = intents.find(key);
        if (entry.isPresent() && !entry.get().created()) {
            Step resolved = resolveUncertain(r, key, entry.get(), taskId);
            if (resolved != null) {
                return resolved;
            }
            entry = intents.find(key);
        }
        if (entry.isEmpty()) {
            return create(r, key, json, hash, taskId);
        }
        return update(r, key, entry.get(), body, hash, taskId);
    }

    /**
     * A create of this resource may have reached the EHR without the bridge learning its id. With
     * the identifier search the plan declares for the type: one match is adopted, none means the
     * create never arrived (the row goes, it is created again), several are duplicates (alarm).
     * Without it the resource is not created again: the record is dead-lettered saying so.
     * Returns null when the write goes on.
     */
    private Step resolveUncertain(MappedResource r, EhrResources.Key key, EhrResources.Entry entry, Long taskId) {
        String type = r.resourceType();
        boolean searchable = !r.writtenById() && typePlan(type).map(WritePlan.TypePlan::identifierSearch).orElse(false);
        if (!searchable) {
            return Step.stop(WriteResult.refused("uncertain: the answer to the bridge's create of this record's " + type
                    + " was lost, so the EHR may hold it already, and this EHR declares no identifier search for " + type
                    + " to find it by: not created again. Check the EHR for it before this record is sent again"));
        }
        // Not at once: the create may still be arriving. An EHR, or a proxy before it, that commits after
        // the bridge stopped waiting would not show it yet, and a lookup finding none would create it again.
        Instant now = clock.instant();
        Instant lookUpFrom = entry.attemptAt() == null ? now : entry.attemptAt().toInstant().plus(settle());
        if (now.isBefore(lookUpFrom)) {
            throw new EhrUnavailableException("the create of this record's " + type + " may still be arriving at the EHR"
                    + " (its answer was lost): looked up " + settle().toSeconds() + " s after it was sent, not before",
                    Duration.between(now, lookUpFrom));
        }
        String token = r.identifierSystem() + "|" + r.identifierValue();
        HttpResponse<String> found = send(request(URI.create(ehr.baseUrl() + "/" + type + "?identifier="
                + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&_count=2")).GET());
        if (found.statusCode() == 429) {
            return Step.stop(WriteResult.throttled(retryAfter(found).orElse(null)));
        }
        if (!isSuccess(found.statusCode())) {
            return Step.stop(refused(found));
        }
        Bundle bundle = parse(found, Bundle.class);
        if (bundle == null) {
            throw new EhrUnavailableException("EHR answered the search for a " + type + " by identifier with no Bundle", null);
        }
        List<Resource> matches = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(m -> m != null && type.equals(m.fhirType())).toList();
        if (matches.isEmpty()) {
            // The lookup is the proof: the lost create never got there.
            intents.forget(key);
            return null;
        }
        if (matches.size() > 1 || bundle.hasTotal() && bundle.getTotal() > 1) {
            return Step.stop(WriteResult.duplicates("EHR holds duplicates: " + Math.max(matches.size(), bundle.getTotal())
                    + " " + type + " resources carry the identifier of one the bridge created (its answer was lost)",
                    new WriteResult.Duplicates(type, r.placeholder())));
        }
        Resource match = matches.get(0);
        String version = match.getMeta().hasVersionId() ? match.getMeta().getVersionId() : match.getIdElement().getVersionIdPart();
        // Adopted: the body it holds is the one whose create was lost (same hash: not sent again).
        intents.created(key, match.getIdElement().getIdPart(), version, entry.sentHash(), taskId, clock.instant());
        return null;
    }

    /**
     * How long after a create was sent the bridge waits before looking it up: twice the request
     * timeout, time enough for an EHR (or a proxy before it) that was still working when the bridge
     * stopped waiting to have committed it, or given up.
     */
    Duration settle() {
        return ehr.requestTimeout().multipliedBy(2);
    }

    /**
     * {@code POST [base]/Type}, its intent committed first. A lost answer (timeout, connection
     * broken after sending, 5xx, 408, 409) leaves the row UNCERTAIN and the task is tried again
     * later: then the resource is looked up before anything is sent.
     */
    private Step create(MappedResource r, EhrResources.Key key, String json, String hash, Long taskId) {
        String type = r.resourceType();
        if (!intents.creating(key, hash, taskId, clock.instant())) {
            throw new EhrUnavailableException("another writer is creating this " + type + " in the EHR now", null);
        }
        HttpResponse<String> response;
        try {
            response = answer(request(URI.create(ehr.baseUrl() + "/" + type))
                    .POST(HttpRequest.BodyPublishers.ofString(json)));
        } catch (NotSentException | EhrTokenUnavailableException notSent) {
            intents.forget(key);
            throw notSent;
        } catch (RuntimeException maybeSent) {
            intents.uncertain(key, clock.instant());
            throw maybeSent;
        }
        int status = response.statusCode();
        if (status >= 500 || status == 408 || status == 409) {
            intents.uncertain(key, clock.instant());
            throw new EhrUnavailableException("EHR answered " + status + " to the create of a " + type
                    + " (it may hold it: looked up before anything is sent again)" + summary(response),
                    retryAfter(response).orElse(null));
        }
        if (!isSuccess(status)) {
            intents.forget(key);
            return Step.stop(status == 429 ? WriteResult.throttled(retryAfter(response).orElse(null)) : refused(response));
        }
        String[] idAndVersion = idAndVersion(response, type);
        if (idAndVersion[0] == null) {
            intents.uncertain(key, clock.instant());
            throw new EhrUnavailableException("EHR stored the " + type + " but did not say its id", null);
        }
        intents.created(key, idAndVersion[0], idAndVersion[1], hash, taskId, clock.instant());
        return new Step(type + "/" + idAndVersion[0], null);
    }

    /**
     * {@code PUT [base]/Type/id} with {@code If-Match: W/"n"} (built here: HAPI's client sends the
     * strong form). A version conflict (409 or 412 to a request that carried If-Match; a 412 to
     * one without says it is required) re-reads the resource's version and sends the same body
     * again, at most {@link #VERSION_CONFLICT_RESENDS} times, then the task is tried later. 404 or
     * 410: the EHR no longer holds it, and it is not created again silently.
     */
    private Step update(MappedResource r, EhrResources.Key key, EhrResources.Entry entry, Resource body, String hash,
                        Long taskId) {
        String reference = r.resourceType() + "/" + entry.ehrId();
        if (hash.equals(entry.sentHash())) {
            return new Step(reference, null);
        }
        body.setId(entry.ehrId());
        String json = parser().encodeResourceToString(body);
        String version = entry.ehrVersion();
        URI uri = URI.create(ehr.baseUrl() + "/" + reference);
        for (int resends = 0; ; resends++) {
            HttpRequest.Builder put = request(uri).PUT(HttpRequest.BodyPublishers.ofString(json));
            if (version != null) {
                put.header("If-Match", "W/\"" + version + "\"");
            }
            HttpResponse<String> response = answer(put);
            int status = response.statusCode();
            if (status == 412 || status == 409 && version != null) {
                if (resends >= VERSION_CONFLICT_RESENDS) {
                    throw new EhrUnavailableException("EHR answered " + status + " to " + (resends + 1) + " versioned updates of "
                            + reference + " in a row (its version kept changing): tried again later", null);
                }
                HttpResponse<String> current = send(request(uri).GET());
                if (current.statusCode() == 404 || current.statusCode() == 410) {
                    return Step.stop(gone(reference, current.statusCode()));
                }
                if (!isSuccess(current.statusCode())) {
                    return Step.stop(refused(current));
                }
                version = idAndVersion(current, r.resourceType())[1];
                continue;
            }
            if (status == 404 || status == 410) {
                return Step.stop(gone(reference, status));
            }
            if (status >= 500 || status == 408 || status == 409) {
                throw new EhrUnavailableException("EHR answered " + status + summary(response), retryAfter(response).orElse(null));
            }
            if (status == 429) {
                return Step.stop(WriteResult.throttled(retryAfter(response).orElse(null)));
            }
            if (!isSuccess(status)) {
                return Step.stop(refused(response));
            }
            intents.created(key, entry.ehrId(), idAndVersion(response, r.resourceType())[1], hash, taskId, clock.instant());
            return new Step(reference, null);
        }
    }

    private static WriteResult gone(String reference, int status) {
        return WriteResult.refused("EHR no longer holds " + reference + " (it answered " + status + " to its update);"
                + " the bridge does not create it again by itself: check the EHR, then replay the record");
    }

    /**
     * The EHR id and version an answer gives: {@code Location} (or {@code Content-Location})
     * {@code .../Type/id/_history/n}, else the returned resource's id; the version from the
     * location, else {@code ETag W/"n"}, else the resource's {@code meta.versionId}. Either may be null.
     */
    private String[] idAndVersion(HttpResponse<String> response, String type) {
        String id = null;
        String version = null;
        Optional<String> location = response.headers().firstValue("Location")
                .or(() -> response.headers().firstValue("Content-Location"));
        if (location.isPresent()) {
            String[] parts = location.get().split("/");
            for (int i = parts.length - 2; i >= 0; i--) {
                if (parts[i].equals(type)) {
                    id = parts[i + 1];
                    if (i + 3 < parts.length && "_history".equals(parts[i + 2])) {
                        version = parts[i + 3];
                    }
                    break;
                }
            }
        }
        if (version == null) {
            version = response.headers().firstValue("ETag").map(FhirEhrClient::etagVersion).orElse(null);
        }
        if (id == null || version == null) {
            Resource resource = parse(response, Resource.class);
            if (resource != null && resource.fhirType().equals(type)) {
                if (id == null && resource.getIdElement().hasIdPart()) {
                    id = resource.getIdElement().getIdPart();
                }
                if (version == null) {
                    version = resource.getMeta().hasVersionId() ? resource.getMeta().getVersionId()
                            : resource.getIdElement().getVersionIdPart();
                }
            }
        }
        return new String[] {id, version};
    }

    /** {@code W/"3"} or {@code "3"} → {@code 3}. */
    static String etagVersion(String etag) {
        String v = etag.trim();
        if (v.startsWith("W/") || v.startsWith("w/")) {
            v = v.substring(2);
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        return v.isEmpty() ? null : v;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
