package org.ketabridge.sync;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.EhrType;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.SharedResources;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.db.SyncTask;
import org.springframework.stereotype.Component;

/**
 * The due tasks of one clinic, fetched batch by batch for as long as there are any, so that one
 * poll drains a backlog. A task is handed out at most once per poll (one that failed and is due
 * again at once waits for the next poll), and only once this process has claimed it in the
 * database ({@link TaskClaims}): a task another writer holds, or that another process took between
 * the fetch and the claim, is passed over.
 */
@Component("syncTaskSource")
public class SyncTaskSource {

    private final SyncQueue queue;
    private final RecordVersions records;
    private final ClinicRegistry clinics;
    private final CredentialHolds credentials;
    private final BridgeStopping bridge;
    private final Clock clock;
    private final int batchSize;
    private final SharedResources shared;
    private final TaskClaims claims;
    private final EhrAcceptance acceptance;

    public SyncTaskSource(SyncQueue queue, RecordVersions records, ClinicRegistry clinics, CredentialHolds credentials,
                          BridgeStopping bridge, Clock clock, BridgeProperties properties, SharedResources shared,
                          TaskClaims claims, EhrAcceptance acceptance) {
        this.acceptance = acceptance;
        this.shared = shared;
        this.claims = claims;
        this.queue = queue;
        this.records = records;
        this.clinics = clinics;
        this.credentials = credentials;
        this.bridge = bridge;
        this.clock = clock;
        this.batchSize = properties.getSync().getBatchSize();
    }

    public Iterator<SyncWork> due(String clinicId) {
        var clinic = clinics.find(clinicId).orElseThrow();
        if (bridge.isStopping()) {
            return Collections.emptyIterator();
        }
        queue.wakeSatisfied(clinicId, clock.instant());
        shared.wakeWaitersOfFree(clinicId, clock.instant());
        // What waits for something the EHR does not accept (issue 13) goes without it, or is not accepted either.
        queue.wakeWaitingFor(clinicId, acceptance.neverComing(clinicId), clock.instant());
        // While the clinic's EHR refuses the bridge's credentials, a poll takes one task (a probe)
        // when one is due, else none; a hold that begins during a poll ends what it hands out.
        boolean probing = credentials.isHeld(clinicId);
        if (probing && !credentials.claimProbe(clinicId, clock.instant())) {
            return Collections.emptyIterator();
        }
        // HL7 v2 EHRs (issue 14) take each patient's messages in order; a FHIR EHR's writes are each
        // of one identified resource and do not depend on arrival order.
        boolean patientOrder = clinic.ehr().type() == EhrType.HL7V2;
        return new Iterator<>() {
            private final ArrayDeque<SyncTask> batch = new ArrayDeque<>();
            private final Set<Long> handedOut = new HashSet<>();
            private boolean exhausted;
            private int given;
            /** Claimed, to be handed out by the next {@code next()}. */
            private SyncTask claimed;

            @Override
            public boolean hasNext() {
                if (bridge.isStopping() || (probing ? given >= 1 : credentials.isHeld(clinicId))) {
                    if (claimed != null) {
                        // Claimed but not handed out: given back, due again at once.
                        claims.release(claimed.id());
                        claimed = null;
                    }
                    return false;
                }
                while (claimed == null) {
                    if (batch.isEmpty() && !exhausted) {
                        for (SyncTask t : queue.due(clinicId, clock.instant(), batchSize, patientOrder)) {
                            if (handedOut.add(t.id())) {
                                batch.add(t);
                            }
                        }
                        exhausted = batch.isEmpty();
                    }
                    if (batch.isEmpty()) {
                        return false;
                    }
                    SyncTask next = batch.poll();
                    if (claims.claim(next.id())) {
                        claimed = next;
                    }
                }
                return true;
            }

            @Override
            public SyncWork next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                SyncTask task = claimed;
                claimed = null;
                given++;
                try {
                    return new SyncWork(task, clinic, records.byId(task.recordVersionId()));
                } catch (RuntimeException e) {
                    try {
                        claims.release(task.id());
                    } catch (RuntimeException releasing) {
                        e.addSuppressed(releasing);
                    }
                    throw e;
                }
            }
        };
    }
}
