package org.ketabridge.sync;

/**
 * A record that contradicts another the bridge holds, found when it is about to be sent: a dose
 * whose patient is not its encounter's (the contract's "must match the encounter's patient once
 * both are known", when the encounter came after the dose, or changed patient). Not sent: a dead
 * letter at once, never retried (the same versions conflict the same way), until a corrected
 * version of either arrives and it is replayed. The message names record ids only, never an MRN.
 */
public class RecordConflict extends RuntimeException {

    public RecordConflict(String message) {
        super(message);
    }
}
