package org.ketabridge.sync;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.db.EhrAlarms;
import org.ketabridge.db.SharedResources.Key;
import org.ketabridge.db.SharedResources;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.mapping.ResourceReferences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Resources many records share (the clinic's Organization, a series' EpisodeOfCare) reach the EHR
 * from one write at a time: a FHIR server's conditional writes are not race-proof, and two
 * encounters of one series written at once can make it hold the series twice. So each shared
 * resource is a dependency like a patient: the first task that needs it claims it (a row of
 * {@code shared_resource}) and writes it with its own record, conditionally on its identifier as
 * before (so an EHR that holds it already, from before this table, is updated, not duplicated);
 * the EHR's id is recorded, and every later record refers to it by that id without writing it.
 * A task that needs it while another writes it waits, and is woken when the write is done. When
 * the content changes (the clinic's name, the series' patient), the next task to see the change
 * claims it and writes it again, one at a time.
 */
@Component
public class SharedResourceClaims {

    private static final Logger log = LoggerFactory.getLogger(SharedResourceClaims.class);

    private final FhirMapper mapper;
    private final SharedResources store;
    private final EhrAlarms alarms;
    private final SyncQueue queue;
    private final FhirContext fhir;
    private final Clock clock;
    private final EhrAcceptance acceptance;

    public SharedResourceClaims(FhirMapper mapper, SharedResources store, EhrAlarms alarms, SyncQueue queue,
                                FhirContext fhir, Clock clock, EhrAcceptance acceptance) {
        this.acceptance = acceptance;
        this.mapper = mapper;
        this.store = store;
        this.alarms = alarms;
        this.queue = queue;
        this.fhir = fhir;
        this.clock = clock;
    }

    /**
     * With its references resolved, the task learns which shared resources the EHR holds as its
     * record would write them (it will refer to them), claims the others to write them itself,
     * or waits when another task writes one now or an alarm holds it.
     */
    public void claim(SyncWork work) {
        StoredVersion v = work.version();
        // A type the EHR does not accept is never written (the EHR client leaves it out): nothing to claim or wait for.
        List<MappedResource> shared = mapper.sharedResources(new MappingInput(work.clinic(), work.kind(), v.recordId(),
                v.version(), v.content(), v.warnings(), v.receiptId(), v.receivedAt(), work.references(), work.outcome()))
                .stream().filter(r -> acceptance.refusal(work.clinic().id(), r.resourceType()).isEmpty()).toList();
        if (shared.isEmpty()) {
            return;
        }
        long taskId = work.task().id();
        Instant now = clock.instant();
        Map<String, String> known = new LinkedHashMap<>();
        Map<String, Key> claimed = new LinkedHashMap<>();
        // In write order: the Organization before the EpisodeOfCare that refers to it.
        for (MappedResource r : shared) {
            Key key = new Key(work.clinic().id(), r.resourceType(), r.identifierValue());
            String hash = contentHash(r.resource(), known);
            if (knownAsIs(key, hash, r, known)) {
                continue;
            }
            if (!store.claim(key, taskId, now)) {
                claimed.values().forEach(k -> store.release(k, taskId));
                work.waitingFor(Dependency.sharedResource(key.resourceType(), key.identifierValue()));
                return;
            }
            if (knownAsIs(key, hash, r, known)) {
                // Another task wrote it between the look and the claim.
                store.release(key, taskId);
                continue;
            }
            claimed.put(r.placeholder(), key);
        }
        work.sharedWrites(new SharedWrites(known, claimed));
    }

    private boolean knownAsIs(Key key, String hash, MappedResource r, Map<String, String> known) {
        Optional<SharedResources.State> state = store.find(key);
        if (state.isPresent() && state.get().ehrReference() != null && hash.equals(state.get().contentHash())) {
            known.put(r.placeholder(), state.get().ehrReference());
            return true;
        }
        return false;
    }

    /**
     * What goes to the EHR: the record without the shared resources the EHR holds already, every
     * reference to them (from the record's resources, its Provenance, a claimed EpisodeOfCare)
     * turned into the EHR's id.
     */
    public MappedRecord forTheEhr(SyncWork work, MappedRecord mapped) {
        Map<String, String> known = work.sharedWrites().known();
        if (known.isEmpty()) {
            return mapped;
        }
        List<MappedResource> kept = mapped.resources().stream().filter(r -> !known.containsKey(r.placeholder())).toList();
        kept.forEach(r -> ResourceReferences.rewrite(fhir, r.resource(), known));
        return new MappedRecord(kept, mapped.primary());
    }

    /** The EHR holds the record: the shared resources the task wrote are recorded with their ids, and what waited goes. */
    public void written(SyncWork work, WriteResult result, Instant now) {
        for (Map.Entry<String, Key> claim : work.sharedWrites().claimed().entrySet()) {
            Key key = claim.getValue();
            String reference = result.written().get(claim.getKey());
            if (reference == null) {
                store.release(key, work.task().id());
            } else {
                MappedResource r = work.mapped().resources().stream()
                        .filter(m -> m.placeholder().equals(claim.getKey())).findFirst().orElseThrow();
                store.written(key, reference, contentHash(r.resource(), result.written()), now);
            }
            queue.wake(key.clinicId(), key.resourceType(), key.identifierValue(), now);
        }
    }

    /**
     * The EHR holds several resources that one of the task's conditional writes (or its search for
     * the EHR's patient, issue 13 match) matched: an alarm
     * on the task (it is dead-lettered by the caller), and on the shared resource when it was one,
     * so that what needs it waits for the repair rather than meeting the duplicates write after
     * write. Logged once, as an error, with ids and types only.
     */
    public void duplicatesFound(SyncWork work, WriteResult result, Instant now) {
        WriteResult.Duplicates which = result.duplicates();
        long taskId = work.task().id();
        alarms.raise(taskId, EhrAlarms.EHR_HOLDS_DUPLICATES, which.resourceType(), now);
        Key shared = which.placeholder() == null ? null : work.sharedWrites().claimed().get(which.placeholder());
        if (shared != null) {
            store.alarm(shared, taskId, now);
        }
        log.error("Clinic {}: the EHR holds duplicates of one {} (a conditional write or search of task {} matched several);"
                        + " {} dead-lettered as {}: merge the duplicates in the EHR, then replay it",
                work.clinic().id(), which.resourceType() == null ? "resource" : which.resourceType(), taskId,
                shared == null ? "the task is" : "what needs it waits; the task is", EhrAlarms.EHR_HOLDS_DUPLICATES);
    }

    /** Whether a shared resource a task waits for is free now (no writer, no alarm). */
    public boolean isFree(String clinicId, Dependency dependency) {
        return store.isFree(new Key(clinicId, dependency.kind(), dependency.recordId()));
    }

    /**
     * SHA-256 of the resource as the EHR would hold it: references to other shared resources by
     * their EHR ids (a placeholder becomes the id {@code refs} gives it), so the hash of an
     * EpisodeOfCare written with its Organization in one transaction equals the one of a later
     * record that refers to both by id.
     */
    private String contentHash(Resource resource, Map<String, String> refs) {
        String json = fhir.newJsonParser().encodeResourceToString(resource);
        for (Map.Entry<String, String> ref : refs.entrySet()) {
            json = json.replace("\"" + ref.getKey() + "\"", "\"" + ref.getValue() + "\"");
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
