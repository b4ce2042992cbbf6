package org.ketabridge.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import ca.uhn.fhir.jpa.patch.JsonPatchUtils;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.util.FhirTerser;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PrimitiveType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/**
 * A WireMock EHR without conditional writes for some resource types (issue 13, create-update): it
 * stores what is POSTed under an id it gives (201, {@code Location .../Type/id/_history/1},
 * {@code ETag W/"1"}), takes {@code PUT Type/id} only with the current version in
 * {@code If-Match} (none: 412, as Oracle Health; stale: {@link #conflictStatus}, 409 as HAPI or
 * 412 as the spec), reads ({@code GET Type/id}) and searches by identifier, or by patient
 * ({@code patient}/{@code subject}), {@code code} and time ({@code date}, {@code effective-time},
 * with {@code ge}/{@code le} prefixes). A conditional write of such a type is refused (405).
 * Types made {@link #patchOnly} (Oracle Health's Patient and Encounter) refuse PUT (405) and take
 * {@code PATCH Type/id} with a JSON Patch ({@code application/json-patch+json}) and the same
 * If-Match rule, applied as HAPI's server applies one (a failed {@code test}: 422). Like Oracle
 * Health, it may add to what is created ({@link #addsOnCreate}) and not keep the bridge's
 * identifiers ({@link #dropsIdentifiers}). Faults: the answer to the next POST lost after the
 * resource was stored ({@link #loseNextPostAnswer}), a POST failing before it is stored
 * ({@link #failNextPostUnstored}), a change made in the EHR by someone else ({@link #editedInTheEhr},
 * {@link #changedInTheEhr}). {@link #postsOf} counts the POSTs per identifier; {@link #held} the
 * resources held per identifier, {@link #count} per type.
 * Types named in {@link #conditionalCreates} take {@code If-None-Exist: identifier=system|value}
 * (issue 13, conditional-create): none held, created (201); one, nothing created (200, it is
 * answered); several, 412 (FHIR's "multiple matches").
 */
public class RestrictedEhr implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "restricted-ehr";

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final Map<String, Resource> byReference = new LinkedHashMap<>();
    private final Map<String, Integer> posts = new LinkedHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(100);
    private volatile String loseNextPostAnswer;
    private volatile String loseOnlyThePostOf;
    private volatile int failNextPostUnstored;
    private volatile String failOnlyThePostsOf;
    private volatile int conflictStatus = 412;
    private final Set<String> patchOnly = ConcurrentHashMap.newKeySet();
    private final Set<String> dropsIdentifiers = ConcurrentHashMap.newKeySet();
    private final Map<String, Consumer<Resource>> addsOnCreate = new ConcurrentHashMap<>();
    private final Set<String> conditionalCreates = ConcurrentHashMap.newKeySet();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Routes these types' requests to this EHR (above FakeEhr's catch-alls). */
    public void serve(WireMockServer server, String typesRegex) {
        server.stubFor(any(urlPathMatching("/fhir/(" + typesRegex + ")(/.*)?")).atPriority(5)
                .willReturn(aResponse().withTransformers(NAME)));
    }

    /** These types take a POST with If-None-Exist (conditional create); others refuse it (405). */
    public void conditionalCreates(String... types) {
        conditionalCreates.addAll(List.of(types));
    }

    /** The next POST of this type is stored, and its connection reset before the answer. */
    public void loseNextPostAnswer(String type) {
        loseNextPostAnswer(type, null);
    }

    /**
     * {@link #loseNextPostAnswer(String)} for the POST of the resource with this identifier value
     * alone: on an EHR that other tests' records may still be reaching, one of theirs would
     * otherwise take the fault meant for this test's record.
     */
    public synchronized void loseNextPostAnswer(String type, String identifierValue) {
        loseOnlyThePostOf = identifierValue;
        loseNextPostAnswer = type;
    }

    public void failNextPostUnstored(int times) {
        failNextPostUnstored(times, null);
    }

    /** {@link #failNextPostUnstored(int)} for the POSTs of the resource with this identifier value alone (as above). */
    public synchronized void failNextPostUnstored(int times, String identifierValue) {
        failOnlyThePostsOf = identifierValue;
        failNextPostUnstored = times;
    }

    /** The status a stale If-Match gets: 409 (HAPI, Oracle Health) or 412 (the FHIR spec). */
    public void conflictStatus(int status) {
        conflictStatus = status;
    }

    /** Later versions of this type only by PATCH (PUT: 405), as Oracle Health's Patient and Encounter. */
    public void patchOnly(String type) {
        patchOnly.add(type);
    }

    /** Resources of this type are stored without the identifiers they were sent with. */
    public void dropsIdentifiers(String type) {
        dropsIdentifiers.add(type);
    }

    /** What the EHR adds of its own to a resource of this type it creates (its own identifier, say). */
    public void addsOnCreate(String type, Consumer<Resource> addition) {
        addsOnCreate.put(type, addition);
    }

    /** Someone changes the resource in the EHR: a new version the bridge has not seen. */
    public synchronized void editedInTheEhr(String reference) {
        changedInTheEhr(reference, r -> { });
    }

    /** Someone changes the resource in the EHR ({@code change}): a new version the bridge has not seen. */
    public synchronized void changedInTheEhr(String reference, Consumer<Resource> change) {
        Resource r = byReference.get(reference);
        change.accept(r);
        int version = Integer.parseInt(r.getMeta().getVersionId()) + 1;
        r.getMeta().setVersionId(String.valueOf(version));
    }

    /** The references ({@code Type/id}) of the resources of this type the EHR holds, oldest first. */
    public synchronized List<String> storedOfType(String type) {
        return byReference.keySet().stream().filter(ref -> ref.startsWith(type + "/")).toList();
    }

    /** How many resources of this type the EHR holds. */
    public synchronized int count(String type) {
        return (int) byReference.keySet().stream().filter(ref -> ref.startsWith(type + "/")).count();
    }

    /** The EHR holds this resource as if a POST had reached it (its answer never reached anyone). */
    public synchronized String storedBehindTheBridgesBack(Resource resource) {
        return store(kept(resource.copy()));
    }

    public synchronized void delete(String reference) {
        byReference.remove(reference);
    }

    public synchronized int postsOf(String system, String value) {
        return posts.getOrDefault(system + "|" + value, 0);
    }

    /** How many resources the EHR holds with this identifier. */
    public synchronized int held(String system, String value) {
        return (int) byReference.values().stream().filter(r -> identifiers(r).stream()
                .anyMatch(i -> system.equals(i.getSystem()) && value.equals(i.getValue()))).count();
    }

    /** The references ({@code Type/id}) of the resources the EHR holds with this identifier, as clinic IT would find them. */
    public synchronized List<String> referencesOf(String system, String value) {
        return byReference.entrySet().stream().filter(e -> identifiers(e.getValue()).stream()
                .anyMatch(i -> system.equals(i.getSystem()) && value.equals(i.getValue()))).map(Map.Entry::getKey).toList();
    }

    public synchronized Resource get(String reference) {
        return byReference.get(reference);
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod().getName();
        String path = request.getUrl().split("\\?")[0].substring("/fhir/".length());
        String[] parts = path.split("/");
        String type = parts[0];
        boolean conditional = request.getUrl().contains("?");
        IParser json = fhir.newJsonParser();
        if ("POST".equals(method) && parts.length == 1) {
            boolean ifNoneExist = request.containsHeader("If-None-Exist");
            if (ifNoneExist && !conditionalCreates.contains(type)) {
                return status(405);
            }
            Resource resource = (Resource) json.parseResource(request.getBodyAsString());
            for (Identifier i : identifiers(resource)) {
                posts.merge(i.getSystem() + "|" + i.getValue(), 1, Integer::sum);
            }
            if (ifNoneExist) {
                String header = request.getHeader("If-None-Exist");
                if (!header.startsWith("identifier=")) {
                    return status(400);
                }
                String[] token = URLDecoder.decode(header.substring("identifier=".length()), StandardCharsets.UTF_8).split("\\|", 2);
                List<String> matches = matching(type, token[0], token[1]);
                if (matches.size() > 1) {
                    return ResponseDefinitionBuilder.responseDefinition().withStatus(412)
                            .withHeader("Content-Type", "application/fhir+json")
                            .withBody("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                                    + "\"code\":\"duplicate\",\"diagnostics\":\"Multiple resources match this search\"}]}").build();
                }
                if (matches.size() == 1) {
                    return answer(200, matches.get(0), request);
                }
            }
            if (failNextPostUnstored > 0 && hasIdentifierValue(resource, failOnlyThePostsOf)) {
                failNextPostUnstored--;
                return status(503);
            }
            Consumer<Resource> addition = addsOnCreate.get(type);
            if (addition != null) {
                addition.accept(resource);
            }
            String reference = store(kept(resource));
            if (type.equals(loseNextPostAnswer) && hasIdentifierValue(resource, loseOnlyThePostOf)) {
                loseNextPostAnswer = null;
                return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
            }
            return answer(201, reference, request);
        }
        boolean versioned = "PUT".equals(method) && !patchOnly.contains(type) || "PATCH".equals(method) && patchOnly.contains(type);
        if (versioned && parts.length == 2 && !conditional) {
            String reference = type + "/" + parts[1];
            Resource held = byReference.get(reference);
            if (held == null) {
                return status(404);
            }
            if (!request.containsHeader("If-Match")) {
                return status(412);
            }
            String expected = "W/\"" + held.getMeta().getVersionId() + "\"";
            if (!expected.equals(request.getHeader("If-Match"))) {
                return status(conflictStatus);
            }
            Resource resource;
            if ("PATCH".equals(method)) {
                if (!request.getHeader("Content-Type").startsWith("application/json-patch+json")) {
                    return status(415);
                }
                try {
                    resource = JsonPatchUtils.apply(fhir, held.copy(), request.getBodyAsString());
                } catch (BaseServerResponseException failed) {
                    return outcome(422, failed.getMessage());
                }
            } else {
                resource = (Resource) json.parseResource(request.getBodyAsString());
            }
            resource.setId(parts[1]);
            resource.getMeta().setVersionId(String.valueOf(Integer.parseInt(held.getMeta().getVersionId()) + 1));
            byReference.put(reference, kept(resource));
            return answer(200, reference, request);
        }
        if ("GET".equals(method) && parts.length == 2) {
            String reference = type + "/" + parts[1];
            return byReference.containsKey(reference) ? answer(200, reference, request) : status(404);
        }
        if ("GET".equals(method) && parts.length == 1 && request.queryParameter("identifier").isPresent()) {
            String[] token = request.queryParameter("identifier").firstValue().split("\\|", 2);
            List<Resource> found = new ArrayList<>();
            byReference.forEach((ref, r) -> {
                if (ref.startsWith(type + "/") && identifiers(r).stream()
                        .anyMatch(i -> token[0].equals(i.getSystem()) && token[1].equals(i.getValue()))) {
                    found.add(r);
                }
            });
            return searchset(found);
        }
        if ("GET".equals(method) && parts.length == 1) {
            return searchset(byContent(type, request));
        }
        // No conditional writes, no transactions here.
        return status(405);
    }

    /** Patient, code and time, as an EHR without identifier search answers them. */
    private List<Resource> byContent(String type, Request request) {
        List<Resource> found = new ArrayList<>();
        Optional<String> patient = param(request, "patient").or(() -> param(request, "subject"));
        List<String> times = request.queryParameter("date").isPresent() ? request.queryParameter("date").values()
                : request.queryParameter("effective-time").isPresent() ? request.queryParameter("effective-time").values() : List.of();
        Optional<String> code = param(request, "code");
        byReference.forEach((ref, r) -> {
            if (!ref.startsWith(type + "/")) {
                return;
            }
            Base resource = r;
            boolean matches = patient.map(p -> p.equals(first(resource, "subject.reference"))).orElse(true)
                    && code.map(c -> terser().getValues(resource, "code.coding", Coding.class).stream()
                            .anyMatch(x -> c.equals(x.getSystem() + "|" + x.getCode()))).orElse(true)
                    && times.stream().allMatch(t -> timeMatches(resource, t));
            if (matches) {
                found.add(r);
            }
        });
        return found;
    }

    private static boolean timeMatches(Base resource, String searched) {
        String prefix = searched.length() > 2 && Character.isLetter(searched.charAt(0)) ? searched.substring(0, 2) : "eq";
        Instant value = Instant.from(DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(prefix.equals("eq") ? searched : searched.substring(2)));
        Date held = resource instanceof Encounter e ? e.getPeriod().getStart()
                : resource instanceof Observation o && o.hasEffectiveDateTimeType() ? o.getEffectiveDateTimeType().getValue()
                : resource instanceof MedicationAdministration m && m.hasEffectiveDateTimeType()
                        ? m.getEffectiveDateTimeType().getValue() : null;
        if (held == null) {
            return false;
        }
        Instant at = held.toInstant().truncatedTo(ChronoUnit.SECONDS);
        return switch (prefix) {
            case "ge" -> !at.isBefore(value);
            case "le" -> !at.isAfter(value);
            default -> at.equals(value);
        };
    }

    private String first(Base resource, String path) {
        return terser().getValues(resource, path, PrimitiveType.class).stream().findFirst()
                .map(PrimitiveType::getValueAsString).orElse(null);
    }

    private FhirTerser terser() {
        return fhir.newTerser();
    }

    private static Optional<String> param(Request request, String name) {
        return request.queryParameter(name).isPresent() ? Optional.of(request.queryParameter(name).firstValue()) : Optional.empty();
    }

    private ResponseDefinition searchset(List<Resource> found) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setTotal(found.size());
        found.forEach(r -> bundle.addEntry().setResource(r).getSearch().setMode(Bundle.SearchEntryMode.MATCH));
        return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                .withHeader("Content-Type", "application/fhir+json").withBody(fhir.newJsonParser().encodeResourceToString(bundle))
                .build();
    }

    /** What the EHR keeps of a resource it stores. */
    private Resource kept(Resource resource) {
        if (dropsIdentifiers.contains(resource.fhirType())) {
            identifiers(resource).clear();
        }
        return resource;
    }

    private ResponseDefinition outcome(int status, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.PROCESSING)
                .setDiagnostics(diagnostics);
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status).withHeader("Content-Type", "application/fhir+json")
                .withBody(fhir.newJsonParser().encodeResourceToString(outcome)).build();
    }

    /** The references of the resources of this type held with this identifier. */
    private List<String> matching(String type, String system, String value) {
        List<String> found = new ArrayList<>();
        byReference.forEach((ref, r) -> {
            if (ref.startsWith(type + "/") && identifiers(r).stream()
                    .anyMatch(i -> system.equals(i.getSystem()) && value.equals(i.getValue()))) {
                found.add(ref);
            }
        });
        return found;
    }

    private String store(Resource resource) {
        String id = String.valueOf(ids.incrementAndGet());
        resource.setId(id);
        resource.getMeta().setVersionId("1");
        String reference = resource.fhirType() + "/" + id;
        byReference.put(reference, resource);
        return reference;
    }

    private ResponseDefinition answer(int status, String reference, Request request) {
        Resource r = byReference.get(reference);
        String version = r.getMeta().getVersionId();
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/fhir+json")
                .withHeader("Location", request.getAbsoluteUrl().split("/fhir/")[0] + "/fhir/" + reference + "/_history/" + version)
                .withHeader("ETag", "W/\"" + version + "\"")
                .withBody(fhir.newJsonParser().encodeResourceToString(r)).build();
    }

    private static ResponseDefinition status(int status) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status).build();
    }

    @SuppressWarnings("unchecked")
    private List<Identifier> identifiers(Resource r) {
        try {
            return (List<Identifier>) r.getClass().getMethod("getIdentifier").invoke(r);
        } catch (ReflectiveOperationException e) {
            return List.of();
        }
    }

    /** Whether the resource has an identifier of this value; any resource when the value is null. */
    private boolean hasIdentifierValue(Resource resource, String value) {
        return value == null || identifiers(resource).stream().anyMatch(identifier -> value.equals(identifier.getValue()));
    }

}
