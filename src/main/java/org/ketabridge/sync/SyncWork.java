package org.ketabridge.sync;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.db.SyncTask;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.mapping.v2.V2Message;
import org.ketabridge.outcome.Outcome;
import org.ketabridge.record.RecordKind;

/** One task as it moves through a clinic's sync route; each step fills in its part. */
public class SyncWork {

    private final SyncTask task;
    private final Clinic clinic;
    private final StoredVersion version;
    private TargetReferences references;
    private Dependency waitingFor;
    private MappedRecord mapped;
    private Outcome outcome;
    private WriteResult result;
    private V2Message message;
    private SharedWrites sharedWrites = SharedWrites.NONE;
    private WriteResult.NotAccepted notAccepted;
    private final Set<String> notInEhr = new LinkedHashSet<>();
    private final List<String> notes = new ArrayList<>();

    public SyncWork(SyncTask task, Clinic clinic, StoredVersion version) {
        this.task = task;
        this.clinic = clinic;
        this.version = version;
    }

    public SyncTask task() { return task; }
    public Clinic clinic() { return clinic; }
    public StoredVersion version() { return version; }
    public RecordKind kind() { return RecordKind.valueOf(task.kind()); }
    public TargetReferences references() { return references; }
    public void references(TargetReferences references) { this.references = references; }

    /** Set when the task must wait for another record to reach the EHR first. */
    public Dependency waitingFor() { return waitingFor; }
    public void waitingFor(Dependency waitingFor) { this.waitingFor = waitingFor; }
    public boolean isWaiting() { return waitingFor != null; }

    /** For a score of an outcome instrument: where it stands against its baseline. */
    public Outcome outcome() { return outcome; }
    public void outcome(Outcome outcome) { this.outcome = outcome; }

    /** The shared resources this task writes itself, and those it refers to by the EHR's id. */
    public SharedWrites sharedWrites() { return sharedWrites; }
    public void sharedWrites(SharedWrites sharedWrites) { this.sharedWrites = sharedWrites; }

    /**
     * Set when the clinic's EHR does not take the record (issue 13): its main resource is of a type
     * the EHR does not accept, or its patient is. It is not sent, and waits for nothing.
     */
    public WriteResult.NotAccepted whyNotAccepted() { return notAccepted; }
    public void notAcceptedBecause(WriteResult.NotAccepted why) { this.notAccepted = why; }
    // The route's "${body.notAccepted}" (no method of that very name, so Camel finds this one).
    public boolean isNotAccepted() { return notAccepted != null; }

    /**
     * References, as mapped, to records the EHR will never hold (of a type it does not accept):
     * the record is mapped and validated with them, and they are dropped before it is sent.
     */
    public Set<String> notInEhr() { return notInEhr; }

    /** Why a reference was dropped, for the task's note once the record is sent. */
    public void dropped(String reference, String note) {
        notInEhr.add(reference);
        notes.add(note);
    }

    /** What of the record was left out before it reached the EHR step, and why. */
    public List<String> notes() { return notes; }

    public MappedRecord mapped() { return mapped; }
    public void mapped(MappedRecord mapped) { this.mapped = mapped; }
    /** For an HL7 v2 EHR (issue 14): the message this record version is sent as. */
    public V2Message message() { return message; }
    public void message(V2Message message) { this.message = message; }
    public WriteResult result() { return result; }
    public void result(WriteResult result) { this.result = result; }

    @Override
    public String toString() {
        // Ids of the bridge's own task only: never record content.
        return "SyncWork[task " + task.id() + ", clinic " + clinic.id() + ", " + task.kind() + "]";
    }
}
