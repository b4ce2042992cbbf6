package org.ketabridge.bench;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.RecordValidators;
import org.ketabridge.intake.ValidatedRecord;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.record.RecordKind;
import org.ketabridge.support.TestClinics;

/**
 * Mode (c) of the harness: the EHR's own ingest rate. The same resources the bridge writes (one
 * transaction Bundle per record, the same conditional writes), built by the bridge's mapper and
 * posted straight to the EHR by the same number of clients, with no bridge: references to the
 * patient and encounter are conditional references, resolved by the EHR. Validation and
 * outcome derivation are the bridge's work and are left out.
 */
final class DirectIngest {

    record Result(int records, long resources, double seconds, long conflictsRetried) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final FhirContext fhir = FhirContext.forR4Cached();

    Result run(String ehrBase, List<String> clinicIds, Workload workload, int clients, int batch) throws Exception {
        ClinicRegistry clinics = TestClinics.registry("America/Denver", clinicIds.toArray(String[]::new));
        FhirMapper mapper = new FhirMapper(new ObjectMapper(), new Terminology(fhir, clinics));
        RecordValidators validators = RecordValidators.standard();
        ObjectMapper json = new ObjectMapper();

        // Build every bundle first: only the EHR's time is measured.
        Map<String, List<String>> bundlesByKind = new java.util.LinkedHashMap<>();
        AtomicLong resources = new AtomicLong();
        int records = 0;
        for (Workload.Batch b : workload.batches(batch)) {
            Clinic clinic = clinics.find(b.clinicId()).orElseThrow();
            RecordKind kind = RecordKind.fromCollection(b.kind()).orElseThrow();
            for (String line : b.lines()) {
                ValidatedRecord r = validators.validate(kind, json.readTree(line), clinic, Instant.now()).record();
                String base = clinic.identifierSystemBase();
                TargetReferences refs = kind == RecordKind.PATIENT ? new TargetReferences(null, null) : new TargetReferences(
                        "Patient?identifier=" + enc(base + "/mrn|" + r.patientMrn()),
                        r.encounterId() == null || kind == RecordKind.ENCOUNTER ? null
                                : "Encounter?identifier=" + enc(base + "/encounter|" + r.encounterId()));
                MappedRecord mapped = mapper.map(new org.ketabridge.mapping.MappingInput(clinic, kind, r.recordId(), 1,
                        r.content().toString(), null, "direct", OffsetDateTime.now(), refs, null));
                Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
                for (MappedResource m : mapped.resources()) {
                    String url = m.writtenById() ? m.resourceType() + "/" + m.identifierValue()
                            : m.resourceType() + "?identifier=" + enc(m.identifierSystem() + "|" + m.identifierValue());
                    tx.addEntry().setFullUrl(m.placeholder()).setResource(m.resource())
                            .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
                }
                resources.addAndGet(mapped.resources().size());
                bundlesByKind.computeIfAbsent(b.kind(), k -> new ArrayList<>()).add(fhir.newJsonParser().encodeResourceToString(tx));
                records++;
            }
        }
        AtomicLong conflicts = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (List<String> bundles : bundlesByKind.values()) {
                List<Future<?>> sent = new ArrayList<>();
                for (String body : bundles) {
                    sent.add(pool.submit(() -> {
                        // As the bridge does: a 409 (concurrent conditional create of a shared
                        // resource, e.g. the clinic's Organization) is tried again.
                        for (int attempt = 1; ; attempt++) {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ehrBase))
                                    .header("Content-Type", "application/fhir+json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                return null;
                            }
                            if (r.statusCode() != 409 || attempt == 10) {
                                throw new IllegalStateException("EHR answered " + r.statusCode() + ": " + r.body());
                            }
                            conflicts.incrementAndGet();
                        }
                    }));
                }
                for (Future<?> f : sent) {
                    f.get();
                }
            }
        } finally {
            pool.shutdown();
        }
        return new Result(records, resources.get(), (System.nanoTime() - start) / 1e9, conflicts.get());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
