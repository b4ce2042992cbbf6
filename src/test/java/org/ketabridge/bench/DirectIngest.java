package org.ketabridge.bench;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.RecordValidators;
import org.ketabridge.intake.ValidatedRecord;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.MappingInput;
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
 *
 * <p>Shared resources (the clinic's Organization, a series' EpisodeOfCare) are written as the
 * bridge writes them (ARCHITECTURE.md, "Shared resources are written once, one task at a
 * time"): once, with the first record that has them, and never by two requests in flight; every
 * later record waits for that write and refers to the EHR's id instead. HAPI's conditional
 * creates are not race-proof: parallel clients each writing the series' EpisodeOfCare made HAPI
 * create it twice, then answer 412 "Multiple resources match" to the next write naming it.
 */
final class DirectIngest {

    record Result(int records, long resources, double seconds, long conflictsRetried) {
    }

    /**
     * One record's transaction, encoded before the clock starts. It writes the shared resources it
     * {@code owns} (bundle entry index → shared key) and refers to those it {@code needs}
     * (placeholder → shared key) by the id their owner's write got from the EHR.
     */
    private record Prepared(String body, Map<Integer, String> owns, Map<String, String> needs) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final FhirContext fhir = FhirContext.forR4Cached();
    private final ObjectMapper json = new ObjectMapper();

    Result run(String ehrBase, List<String> clinicIds, Workload workload, int clients, int batch) throws Exception {
        ClinicRegistry clinics = TestClinics.registry("America/Denver", clinicIds.toArray(String[]::new));
        FhirMapper mapper = new FhirMapper(new ObjectMapper(), new Terminology(fhir, clinics));
        RecordValidators validators = RecordValidators.standard();

        // Build every bundle first: only the EHR's time is measured.
        Map<String, List<Prepared>> byKind = new LinkedHashMap<>();
        Map<String, CompletableFuture<String>> sharedIds = new LinkedHashMap<>();
        long resources = 0;
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
                MappedRecord mapped = mapper.map(new MappingInput(clinic, kind, r.recordId(), 1,
                        r.content().toString(), null, "direct", OffsetDateTime.now(), refs, null));
                Prepared prepared = prepare(mapped, sharedIds);
                resources += prepared.owns().size() + mapped.resources().stream().filter(m -> !m.shared()).count();
                byKind.computeIfAbsent(b.kind(), k -> new ArrayList<>()).add(prepared);
                records++;
            }
        }
        AtomicLong conflicts = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (List<Prepared> kind : byKind.values()) {
                // A record goes once the shared resources it refers to are in the EHR; the rest in parallel.
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (Prepared p : kind) {
                    CompletableFuture<?>[] needed = p.needs().values().stream().map(sharedIds::get).toArray(CompletableFuture[]::new);
                    sent.add(CompletableFuture.allOf(needed).thenRunAsync(() -> send(ehrBase, p, sharedIds, conflicts), pool));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            }
        } finally {
            pool.shutdown();
        }
        return new Result(records, resources, (System.nanoTime() - start) / 1e9, conflicts.get());
    }

    /** The record's transaction: shared resources seen first here are written by it, later ones referred to. */
    private Prepared prepare(MappedRecord mapped, Map<String, CompletableFuture<String>> sharedIds) {
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Map<Integer, String> owns = new LinkedHashMap<>();
        Map<String, String> needs = new LinkedHashMap<>();
        for (MappedResource m : mapped.resources()) {
            String key = m.resourceType() + "|" + m.identifierSystem() + "|" + m.identifierValue();
            if (m.shared() && sharedIds.containsKey(key)) {
                needs.put(m.placeholder(), key);
                continue;
            }
            if (m.shared()) {
                sharedIds.put(key, new CompletableFuture<>());
                owns.put(tx.getEntry().size(), key);
            }
            String url = m.writtenById() ? m.resourceType() + "/" + m.identifierValue()
                    : m.resourceType() + "?identifier=" + enc(m.identifierSystem() + "|" + m.identifierValue());
            tx.addEntry().setFullUrl(m.placeholder()).setResource(m.resource())
                    .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
        }
        return new Prepared(fhir.newJsonParser().encodeResourceToString(tx), owns, needs);
    }

    private void send(String ehrBase, Prepared p, Map<String, CompletableFuture<String>> sharedIds, AtomicLong conflicts) {
        try {
            String body = p.body();
            for (Map.Entry<String, String> need : p.needs().entrySet()) {
                body = body.replace('"' + need.getKey() + '"', '"' + sharedIds.get(need.getValue()).join() + '"');
            }
            JsonNode answer = post(ehrBase, body, conflicts);
            for (Map.Entry<Integer, String> own : p.owns().entrySet()) {
                String location = answer.get("entry").get(own.getKey()).get("response").get("location").asText();
                sharedIds.get(own.getValue()).complete(location.replaceFirst("/_history/.*$", ""));
            }
        } catch (Exception e) {
            // What waits for this record's shared resources fails too, rather than waiting for ever.
            p.owns().values().forEach(key -> sharedIds.get(key).completeExceptionally(e));
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    /** As the bridge does: a 409 (a concurrent write HAPI refused, e.g. on its search-URL index) is tried again. */
    private JsonNode post(String ehrBase, String body, AtomicLong conflicts) throws Exception {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ehrBase))
                    .header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return json.readTree(r.body());
            }
            if (r.statusCode() != 409 || attempt == 10) {
                throw new IllegalStateException("EHR answered " + r.statusCode() + ": " + r.body());
            }
            conflicts.incrementAndGet();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
