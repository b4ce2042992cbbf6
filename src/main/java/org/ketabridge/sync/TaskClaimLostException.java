package org.ketabridge.sync;

/**
 * The task is no longer this process's as its record is about to be written: another writer took
 * it over (this process's lease ran out while its renewals failed), or the lease is too close to
 * its end to start a write. Nothing is written and nothing recorded: the task belongs to whoever
 * holds it now. Not a failure of the task or of the EHR.
 */
public class TaskClaimLostException extends RuntimeException {

    public TaskClaimLostException() {
        super("the task's claim is no longer this process's: not written, nothing recorded", null, false, false);
    }
}
