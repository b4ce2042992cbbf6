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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.EhrConnection;
import org.ketabridge.config.WriteMode;
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.db.EhrResources;
import org.ketabridge.ehr.EhrRequestObserver;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.ehr.auth.EhrAuthorization;
import org.ketabridge.ehr.auth.EhrTokenUnavailableException;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.ResourceReferences;

/**
 * Writes mapped records to one clinic's FHIR R4 EHR, every write conditional on the resource's
 * identifier ({@code PUT Type?identifier=system|value}): create when absent, new version when
 * present, so a retry after any failure can never make a second resource. A type the clinic's
 * plan writes otherwise (an EHR without conditional updates, issue 13) goes per resource:
 * {@code create-update} is created by a plain POST once, recorded in the intent log
 * ({@code db/EhrResources}) before it is sent, and updated by {@code PUT Type/id} with
 * {@code If-Match} from then on; {@code create-patch} likewise, but changed by a JSON Patch;
 * {@code create-only} likewise, but a later change is not sent; {@code conditional-create} is
 * POSTed with {@code If-None-Exist} and updated as create-update. A create whose answer was lost is
 * looked up (or, conditional, sent again), never posted blindly again. A type the plan says
 * {@code none} is not sent: a record whose main resource is of such a type is not accepted at all;
 * another resource of it is left out, and references to it dropped. A Patient the plan says
 * {@code match} for (an EHR that registers its patients itself) is never written:
 * {@link PatientMatcher} finds the EHR's own by MRN, and nothing else of a patient record is written.
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
    // The strategies that create by POST (issue 13): null when there is no intent log to write them with.
    private final CreateUpdateWriter createUpdate;
    private final CreateOnlyWriter createOnly;
    private final ConditionalCreateWriter conditionalCreate;
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
     * @param intents the intent log the strategies that create by POST need (issue 13: create-update,
     *                create-patch, create-only, conditional-create); null: a type the plan says one of
     *                them for is written as before (conditional PUT)
     */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization,
                         EhrResources intents) {
        this(clinic, fhir, plans, authorization, intents, Clock.systemUTC());
    }

    /** @param clock the intent log's clock (tests drive it to show when an uncertain create may be looked up) */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization,
                         EhrResources intents, Clock clock) {
        this(clinic, fhir, plans, authorization, intents, clock, EhrRequestObserver.NONE);
    }

    /** @param observer told of every request's answer and time (the metrics, issue 17) */
    public FhirEhrClient(Clinic clinic, FhirContext fhir, EhrPlans plans, EhrAuthorization authorization,
                         EhrResources intents, Clock clock, EhrRequestObserver observer) {
        this.clinic = clinic;
        this.plans = plans;
        this.ehr = clinic.ehr();
        this.fhir = fhir;
        this.exchange = new EhrExchange(clinic.id(), ehr, authorization, observer);
        this.answers = new EhrAnswers(fhir);
        LoggedCreate creates = intents == null ? null
                : new LoggedCreate(clinic.id(), exchange, answers, fhir, intents, clock, settle(), this::typePlan);
        this.createUpdate = creates == null ? null : new CreateUpdateWriter(creates, exchange, answers, fhir, intents, clock);
        this.createOnly = creates == null ? null : new CreateOnlyWriter(creates);
        this.conditionalCreate = creates == null ? null
                : new ConditionalCreateWriter(creates, createUpdate, exchange, answers, intents, clock);
        this.patients = new PatientMatcher(new ResourceSearch(exchange, answers), ehr.patientIdentifierSystem(),
                ehr.patientRecheck());
    }

    public WriteResult write(MappedRecord record) {
        return write(record, null);
    }

    /** @param taskId the sync task writing it (recorded in the intent log), or null */
    public WriteResult write(MappedRecord record, Long taskId) {
        return write(record, taskId, 0);
    }

    /**
     * @param taskId  the sync task writing it (recorded in the intent log), or null
     * @param version the record's version (named when this EHR does not take a change to it), 0 when not known
     */
    public WriteResult write(MappedRecord record, Long taskId, int version) {
        try {
            // First: with write-mode auto this reads the statement when due, so the plan below is the one written with.
            WriteMode mode = writeMode();
            // Not accepted by this EHR (issue 13): a record whose main resource it does not take is not sent at all.
            String type = record.primary().resourceType();
            Optional<String> refused = notAccepted(type);
            if (refused.isPresent()) {
                return WriteResult.notAccepted(new WriteResult.NotAccepted(type, refused.get()), Map.of());
            }
            Set<String> notes = new LinkedHashSet<>();
            MappedRecord accepted = withoutTypesNotAccepted(record, notes);
            // A record with a type planned to be created by POST is written per resource; so is a patient
            // record whose Patient is found, not written (match).
            return mode == WriteMode.TRANSACTION && accepted.resources().stream().noneMatch(r -> createsByPost(strategyOf(r)))
                    && !anyMatched(accepted)
                    ? writeTransaction(accepted, notes) : writePerResource(accepted, taskId, version, notes);
        } catch (EhrTokenUnavailableException e) {
            // No access token (issue 13): nothing more was sent; the clinic is held like refused credentials.
            return WriteResult.tokenUnavailable(new WriteResult.TokenUnavailable(e.error(), e.description(), e.httpStatus()));
        }
    }

    /**
     * Why this EHR takes no resource of this type (the clinic's plan says {@code none}), or empty
     * when it takes it (or the clinic has no plan).
     */
    private Optional<String> notAccepted(String resourceType) {
        return plans == null ? Optional.empty() : plans.of(clinic.id()).flatMap(p -> p.notAccepted(resourceType));
    }

    /**
     * The record without its resources of types this EHR does not accept (a Provenance, a dose's
     * body weight at an EHR that takes no Observation), every reference to them dropped (all such
     * references are optional in FHIR), and a note per type left out.
     */
    private MappedRecord withoutTypesNotAccepted(MappedRecord record, Set<String> notes) {
        Set<String> gone = new HashSet<>();
        List<MappedResource> kept = new ArrayList<>();
        for (MappedResource r : record.resources()) {
            Optional<String> why = notAccepted(r.resourceType());
            if (why.isPresent()) {
                gone.add(r.placeholder());
                notes.add(r.resourceType() + " not sent: " + why.get());
            } else {
                kept.add(r);
            }
        }
        if (gone.isEmpty()) {
            return record;
        }
        kept.forEach(r -> ResourceReferences.drop(fhir, r.resource(), gone));
        return new MappedRecord(kept, record.primary());
    }

    // Issue 13 (write plan): write-mode auto writes as the plan read from the EHR's statement says.
    private WriteMode writeMode() {
        if (ehr.writeMode() != WriteMode.AUTO) {
            return ehr.writeMode();
        }
        return plans == null ? WriteMode.PER_RESOURCE : plans.writeMode(clinic.id());
    }

    /** One transaction Bundle: the EHR stores all of the record's resources, or none. */
    private WriteResult writeTransaction(MappedRecord record, Set<String> notes) {
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
        return WriteResult.stored(reference, written, List.copyOf(notes));
    }

    /**
     * One write per resource, in the record's order (what others refer to first), each as the
     * plan says for its type: a conditional PUT, or through the intent log (create-update,
     * create-only, conditional-create). References to resources of the same record are rewritten
     * from their placeholder to the id the EHR gave. Not atomic across the resources: a failure
     * part-way is retried whole, and the repeated writes change nothing (conditional, or known to
     * the intent log). A change the EHR does not take (create-only) is not sent: when it is the
     * record's main resource the version is not accepted (what was written before it stays
     * written, what follows it is not sent); another resource is left as the EHR holds it, noted.
     */
    private WriteResult writePerResource(MappedRecord record, Long taskId, int version, Set<String> notes) {
        Map<String, String> placeholders = new HashMap<>();
        String primary = record.primary().placeholder();
        for (MappedResource r : record.resources()) {
            ResourceReferences.rewrite(fhir, r.resource(), placeholders);
            if (matched(r)) {
                // Match (issue 13): the EHR's own Patient, searched by MRN; never POSTed or PUT.
                ResourceWrite found = patients.match(r, typePlan(r.resourceType()).orElse(null));
                if (found.stop() != null) {
                    return found.stop();
                }
                placeholders.put(r.placeholder(), found.reference());
                if (r.placeholder().equals(primary)) {
                    // A patient record: the patient is the EHR's; nothing of the record is written (not its Provenance).
                    return WriteResult.stored(found.reference(), placeholders);
                }
                continue;
            }
            ResourceWrite step = switch (strategyOf(r)) {
                case CREATE_UPDATE, CREATE_PATCH -> createUpdate.write(r, taskId, strategyOf(r));
                case CREATE_ONLY -> createOnly.write(r, taskId);
                // A resource the bridge names by an id of its own (Provenance) has no identifier to create on.
                case CONDITIONAL_CREATE -> r.writtenById() ? createUpdate.write(r, taskId, WriteStrategy.CREATE_UPDATE)
                        : conditionalCreate.write(r, taskId);
                default -> conditionalUpdate(r);
            };
            if (step.stop() != null) {
                return step.stop();
            }
            if (step.notSent() != null) {
                String why = step.notSent() + ": " + (version > 0 ? "version " + version : "this version") + " not sent";
                if (r.placeholder().equals(primary)) {
                    return WriteResult.notAccepted(new WriteResult.NotAccepted(r.resourceType(), why), placeholders);
                }
                notes.add(why);
            }
            placeholders.put(r.placeholder(), step.reference());
        }
        return WriteResult.stored(placeholders.get(primary), placeholders, List.copyOf(notes));
    }

    /** {@code PUT [base]/Type?identifier=system|value} (or {@code Type/id}): created when absent, updated when present. */
    private ResourceWrite conditionalUpdate(MappedResource r) {
        HttpResponse<String> response = exchange.send(exchange.request(exchange.at(writeUrl(r)))
                .PUT(HttpRequest.BodyPublishers.ofString(parser().encodeResourceToString(r.resource()))), answers);
        if (response.statusCode() == 429) {
            return ResourceWrite.stop(WriteResult.throttled(EhrAnswers.retryAfter(response).orElse(null)));
        }
        if (response.statusCode() == 412) {
            return ResourceWrite.stop(duplicates(response, r));
        }
        if (!EhrAnswers.isSuccess(response.statusCode())) {
            return ResourceWrite.stop(answers.refused(response));
        }
        return ResourceWrite.at(answers.referenceOf(response, r.resourceType()));
    }

    /** {@code Type?identifier=system|value}, or {@code Provenance/id} for a resource written by id. */
    private String writeUrl(MappedResource r) {
        if (r.writtenById()) {
            return r.resourceType() + "/" + r.identifierValue();
        }
        return ResourceSearch.query(r.resourceType(), r.identifierSystem(), r.identifierValue());
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
     * The strategy the resource is written with: its type's plan; conditional update without a
     * plan, or for a strategy that creates by POST when there is no intent log to write it with.
     */
    private WriteStrategy strategyOf(MappedResource r) {
        WriteStrategy planned = typePlan(r.resourceType()).map(WritePlan.TypePlan::strategy).orElse(WriteStrategy.CONDITIONAL_UPDATE);
        return createsByPost(planned) && createUpdate == null ? WriteStrategy.CONDITIONAL_UPDATE : planned;
    }

    /** The strategies that create by POST, through the intent log. */
    private static boolean createsByPost(WriteStrategy s) {
        return s == WriteStrategy.CREATE_UPDATE || s == WriteStrategy.CREATE_PATCH || s == WriteStrategy.CREATE_ONLY
                || s == WriteStrategy.CONDITIONAL_CREATE;
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
