package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;

/**
 * What an EHR's answer says: its OperationOutcome's diagnostics, the resource it returned, the id
 * and version it gave (Location, ETag, the body), its Retry-After, and the refusal it amounts to.
 */
final class EhrAnswers {

    /** The id the EHR gave a resource, and its version; either may be null. */
    record IdAndVersion(String id, String version) {
    }

    private final FhirContext fhir;

    EhrAnswers(FhirContext fhir) {
        this.fhir = fhir;
    }

    static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    WriteResult refused(HttpResponse<String> response) {
        return refused(response, "the write");
    }

    /** @param request what was refused, for the words: {@code the write}, {@code the search for a Patient by identifier} */
    WriteResult refused(HttpResponse<String> response, String request) {
        // 401 and 403 are about the bridge's credentials (wrong, expired, revoked), not the record.
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            return WriteResult.credentialsRefused(response.statusCode());
        }
        return WriteResult.refused("EHR refused " + request + " with " + response.statusCode() + summary(response));
    }

    /** The diagnostics of an OperationOutcome, when the EHR sent one. */
    String summary(HttpResponse<String> response) {
        OperationOutcome outcome = parse(response, OperationOutcome.class);
        if (outcome == null || outcome.getIssue().isEmpty()) {
            return "";
        }
        return ": " + outcome.getIssue().stream()
                .map(i -> i.getSeverity() + " " + i.getCode() + (i.hasDiagnostics() ? " " + i.getDiagnostics() : ""))
                .collect(Collectors.joining("; "));
    }

    /** The answer's body as a resource of that type, or null (no body, another type, not FHIR JSON). */
    <T extends IBaseResource> T parse(HttpResponse<String> response, Class<T> type) {
        String body = response.body();
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            IBaseResource parsed = fhir.newJsonParser().parseResource(body);
            return type.isInstance(parsed) ? type.cast(parsed) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The id the EHR gave: from Location or Content-Location, else from the returned resource. */
    String referenceOf(HttpResponse<String> response, String resourceType) {
        Optional<String> location = location(response);
        if (location.isPresent()) {
            return referenceFrom(location.get(), resourceType);
        }
        Resource body = parse(response, Resource.class);
        if (body != null && body.hasIdElement() && body.getIdElement().hasIdPart()) {
            return resourceType + "/" + body.getIdElement().getIdPart();
        }
        throw new EhrUnavailableException("EHR stored the resource but did not say its id", null);
    }

    /**
     * The EHR id and version an answer gives: {@code Location} (or {@code Content-Location})
     * {@code .../Type/id/_history/n}, else the returned resource's id; the version from the
     * location, else {@code ETag W/"n"}, else the resource's {@code meta.versionId}.
     */
    IdAndVersion idAndVersion(HttpResponse<String> response, String type) {
        String id = null;
        String version = null;
        Optional<String> location = location(response);
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
            version = response.headers().firstValue("ETag").map(EhrAnswers::etagVersion).orElse(null);
        }
        if (id == null || version == null) {
            Resource resource = parse(response, Resource.class);
            if (resource != null && resource.fhirType().equals(type)) {
                if (id == null && resource.getIdElement().hasIdPart()) {
                    id = resource.getIdElement().getIdPart();
                }
                if (version == null) {
                    version = versionOf(resource);
                }
            }
        }
        return new IdAndVersion(id, version);
    }

    /** A resource's version: {@code meta.versionId}, else its id's version part (may be null). */
    static String versionOf(Resource resource) {
        return resource.getMeta().hasVersionId() ? resource.getMeta().getVersionId() : resource.getIdElement().getVersionIdPart();
    }

    private static Optional<String> location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").or(() -> response.headers().firstValue("Content-Location"));
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

    /** Retry-After as seconds or as an HTTP date. */
    static Optional<Duration> retryAfter(HttpResponse<String> response) {
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
}
