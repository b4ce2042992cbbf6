package org.ketabridge.ehr;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a connection check of a clinic's EHR found ({@code POST /api/v1/clinics/{clinicId}/ehr/check}):
 * one answer shape for every kind of EHR connection (ehr/fhir, ehr/hl7v2), so clinic IT reads the
 * same steps and failure kinds whatever their EHR speaks. {@code writeMode} is null, and
 * {@code plan} empty, where there is no FHIR write plan (no EHR, or an HL7 v2 EHR).
 */
public record EhrCheckReport(String clinicId, boolean ok, Instant checkedAt, String writeMode, List<Step> steps,
                             Map<String, TypeReport> plan, List<String> problems) {

    /** The steps that are not ok, by kind only ({@code reach: dns, tls: skipped}): what a log line may say of them. */
    public String failedSteps() {
        return steps.stream().filter(s -> !s.ok()).map(s -> s.step() + ": " + (s.kind() == null ? "problem" : s.kind()))
                .collect(Collectors.joining(", "));
    }

    /**
     * One step: {@code detail} says what was done or found; a step with a problem names its
     * {@code kind} (dns, unreachable, tls, timeout, token-refused, http-status, ...). {@code facts}:
     * what clinic IT may want to compare (URL, HTTP status, FHIR version, TLS protocol, ...).
     */
    public record Step(String step, boolean ok, String detail, String problem, String kind, Map<String, Object> facts) {
    }

    /** One resource type's plan (FHIR EHRs): strategy, where it came from, and what stands in its way. */
    public record TypeReport(String strategy, String source, Boolean ifMatch, Boolean identifierSearch, List<String> problems) {
    }
}
