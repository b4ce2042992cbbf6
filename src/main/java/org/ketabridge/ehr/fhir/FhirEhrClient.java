package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.EhrConnection;
import org.ketabridge.config.WriteMode;
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.db.EhrResources;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.ehr.auth.EhrAuthorization;
import org.ketabridge.ehr.auth.EhrTokenUnavailableException;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;

/**
 * Writes mapped records to one clinic's FHIR R4 EHR, every write conditional on the resource's
 * identifier ({@code PUT Type?identifier=system|value}): create when absent, new version when
 * present, so a retry after any failure can never make a second resource. A type the clinic's
 * plan writes {@code create-update} or {@code create-patch} (an EHR without conditional writes,
 * issue 13) is created by a plain POST once, recorded in the intent log ({@code db/EhrResources})
 * before it is sent, and changed by {@code PUT Type/id} or by a JSON Patch with {@code If-Match}
 * from then on; a create whose answer was lost is looked up, never posted blindly again
 * ({@link CreateUpdateWriter}). A Patient the plan says {@code match} for (an EHR that registers
 * its patients itself) is never written: {@link PatientMatcher} finds the EHR's own by MRN, and
 * nothing else of a patient record is written.
 *
 * <p>Built on the JDK's HttpClient rather than HAPI's generic client: the bridge needs the raw
 * status and Retry-After of every answer, per-clinic timeouts, and no hidden retries (Apache
 * HttpClient under HAPI's client silently repeats idempotent requests).
 */
public class FhirEhrClient {

    private final Clinic clinic;
    private final EhrConnection ehr;
    private final FhirContext fhir;
    private final EhrPlans plans;
    private final EhrExchange exchange;
    private final EhrAnswers answers;
    // Create-update and create-patch (issue 13): null when there is no intent log to write them with.
    private final CreateUpdateWriter createUpdate;
    // Match (issue 13): the EHR's own patient, found by MRN.
    private final PatientMatcher patients;

    /** With the connection's fixed Authorization header (basic, bearer), if any. */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans) {
        this(clinic, fhir, plans, EhrAuthorization.fixed(clinic.ehr().authorizationHeader()));
    }

    /** @param plans the clinic's write plan ({@code write-mode: auto}); null: auto writes per-resource */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization) {
        this(clinic, fhir, plans, authorization, null);
    }

    /**
     * @param intents the intent log the {@code create-update} and {@code create-patch} strategies need
     *                (issue 13); null: a type the plan says either for is written as today (conditional PUT)
     */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization,
                         EhrResources intents) {
        this(clinic, fhir, plans, authorization, intents, Clock.systemUTC());
    }

    /** @param clock the intent log's clock (tests drive it to show when an uncertain create may be looked up) */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization,
                         EhrResources intents, Clock clock) {
        this.clinic = clinic;
        this.plans = plans;
        this.ehr = clinic.ehr();
        this.fhir = fhir;
        this.exchange = new EhrExchange(ehr, authorization);
        this.answers = new EhrAnswers(fhir);
        this.createUpdate = intents == null ? null
                : new CreateUpdateWriter(clinic.id(), exchange, answers, fhir, intents, clock, settle(), this::typePlan);
        this.patients = new PatientMatcher(new IdentifierSearch(exchange, answers), ehr.patientIdentifierSystem(),
                ehr.patientRecheck());
    }

    public WriteResult write(MappedRecord record) {
        return write(record, null);
    }

    /** @param taskId the sync task writing it (recorded in the intent log of create-update), or null */
    public WriteResult write(MappedRecord record, Long taskId) {
        try {
            // Issue 13: a record with a type planned create-update or create-patch is written per resource.
            // Match (issue 13): a patient record whose Patient is found, not written, is never a transaction.
            return writeMode() == WriteMode.TRANSACTION && !anyCreateUpdate(record) && !anyMatched(record)
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
        HttpResponse<String> response = exchange.send(exchange.request(URI.create(ehr.baseUrl().toString()))
                .POST(HttpRequest.BodyPublishers.ofString(parser().encodeResourceToString(bundle))), answers);
        if (response.statusCode() == 429) {
            return WriteResult.throttled(EhrAnswers.retryAfter(response).orElse(null));
        }
        if (response.statusCode() == 412) {
            return duplicates(response, record.resources().stream().filter(r -> mentions(response, r)).findFirst().orElse(null));
        }
        if (!EhrAnswers.isSuccess(response.statusCode())) {
            return answers.refused(response);
        }
        Bundle answer = answers.parse(response, Bundle.class);
        if (answer == null || answer.getEntry().isEmpty()) {
            throw new EhrUnavailableException("EHR answered the transaction with no response entries", null);
        }
        int primary = record.resources().indexOf(record.primary());
        if (answer.getEntry().size() <= primary) {
            throw new EhrUnavailableException("EHR answered the transaction with too few response entries", null);
        }
        String location = answer.getEntry().get(primary).getResponse().getLocation();
        String reference = EhrAnswers.referenceFrom(location, record.primary().resourceType());
        // The id the EHR gave each resource (shared ones are referred to by it from then on).
        Map<String, String> written = new HashMap<>();
        for (int i = 0; i < record.resources().size() && i < answer.getEntry().size(); i++) {
            MappedResource r = record.resources().get(i);
            String at = answer.getEntry().get(i).getResponse().getLocation();
            if (at != null && at.contains(r.resourceType() + "/")) {
                written.put(r.placeholder(), EhrAnswers.referenceFrom(at, r.resourceType()));
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
            if (matched(r)) {
                // Match (issue 13): the EHR's own Patient, searched by MRN; never POSTed or PUT.
                ResourceWrite found = patients.match(r, typePlan(r.resourceType()).orElse(null));
                if (found.stop() != null) {
                    return found.stop();
                }
                placeholders.put(r.placeholder(), found.reference());
                if (r == record.primary()) {
                    // A patient record: the patient is the EHR's; nothing of the record is written (not its Provenance).
                    return WriteResult.stored(found.reference(), placeholders);
                }
                continue;
            }
            Optional<WriteStrategy> createdOnce = createdOnce(r);
            if (createdOnce.isPresent()) {
                // Issue 13: POST once, then PUT or PATCH Type/id with If-Match; the EHR's id kept in the intent log.
                ResourceWrite step = createUpdate.write(r, taskId, createdOnce.get());
                if (step.stop() != null) {
                    return step.stop();
                }
                placeholders.put(r.placeholder(), step.reference());
                continue;
            }
            HttpResponse<String> response = exchange.send(exchange.request(exchange.at(writeUrl(r)))
                    .PUT(HttpRequest.BodyPublishers.ofString(parser().encodeResourceToString(r.resource()))), answers);
            if (response.statusCode() == 429) {
                return WriteResult.throttled(EhrAnswers.retryAfter(response).orElse(null));
            }
            if (response.statusCode() == 412) {
                return duplicates(response, r);
            }
            if (!EhrAnswers.isSuccess(response.statusCode())) {
                return answers.refused(response);
            }
            placeholders.put(r.placeholder(), answers.referenceOf(response, r.resourceType()));
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
        return IdentifierSearch.query(r.resourceType(), r.identifierSystem(), r.identifierValue());
    }

    /**
     * 412 to a conditional write is FHIR's "multiple matches": the EHR holds more than one
     * resource with the identifier (HAPI: HAPI-0958/0988 "this search matched 2 resources" per
     * resource, HAPI-2207 "Multiple resources match this search" in a transaction). No write of
     * the bridge can repair that: an alarm, not a refusal of the record. {@code which} is the
     * resource it concerned, or null when a transaction's answer does not say.
     */
    private WriteResult duplicates(HttpResponse<String> response, MappedResource which) {
        return WriteResult.duplicates("EHR holds duplicates: it answered 412" + answers.summary(response),
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

    private IParser parser() {
        return fhir.newJsonParser();
    }

    public String clinicId() {
        return clinic.id();
    }

    // ---- Issue 13: the clinic's plan per resource type ----

    private Optional<WritePlan.TypePlan> typePlan(String resourceType) {
        return plans == null ? Optional.empty() : plans.of(clinic.id()).map(p -> p.of(resourceType));
    }

    /**
     * Create-update or create-patch, when the plan says either for the resource's type (and the
     * intent log they need is there); empty: written by a conditional PUT.
     */
    private Optional<WriteStrategy> createdOnce(MappedResource r) {
        if (createUpdate == null) {
            return Optional.empty();
        }
        return typePlan(r.resourceType()).map(WritePlan.TypePlan::strategy)
                .filter(s -> s == WriteStrategy.CREATE_UPDATE || s == WriteStrategy.CREATE_PATCH);
    }

    private boolean anyCreateUpdate(MappedRecord record) {
        return record.resources().stream().anyMatch(r -> createdOnce(r).isPresent());
    }

    /** Whether the resource is a Patient the plan (or, without plans, the configuration) says {@code match} for. */
    private boolean matched(MappedResource r) {
        if (!"Patient".equals(r.resourceType())) {
            return false;
        }
        WriteStrategy strategy = typePlan("Patient").map(WritePlan.TypePlan::strategy)
                .orElseGet(() -> ehr.resourceStrategies().get("Patient"));
        return strategy == WriteStrategy.MATCH;
    }

    private boolean anyMatched(MappedRecord record) {
        return record.resources().stream().anyMatch(this::matched);
    }

    /**
     * How long after a create was sent the bridge waits before looking it up: twice the request
     * timeout, time enough for an EHR (or a proxy before it) that was still working when the bridge
     * stopped waiting to have committed it, or given up.
     */
    Duration settle() {
        return ehr.requestTimeout().multipliedBy(2);
    }
}
