package org.ketabridge.sync;

import org.ketabridge.config.Clinic;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.db.SyncTask;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.TargetReferences;
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
    private SharedWrites sharedWrites = SharedWrites.NONE;

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

    public MappedRecord mapped() { return mapped; }
    public void mapped(MappedRecord mapped) { this.mapped = mapped; }
    public WriteResult result() { return result; }
    public void result(WriteResult result) { this.result = result; }

    @Override
    public String toString() {
        // Ids of the bridge's own task only: never record content.
        return "SyncWork[task " + task.id() + ", clinic " + clinic.id() + ", " + task.kind() + "]";
    }
}
