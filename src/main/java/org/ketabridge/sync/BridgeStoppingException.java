package org.ketabridge.sync;

/**
 * A task reached the EHR step after the bridge began stopping: it is not written, and its row is
 * left as it was (due), so the next start sends it. Not a failure of the task or of the EHR.
 */
public class BridgeStoppingException extends RuntimeException {

    public BridgeStoppingException() {
        super("the bridge is stopping: not written, due again at the next start", null, false, false);
    }
}
