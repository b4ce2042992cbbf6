package org.ketabridge.intake;

/**
 * A record built on a stored version (vital rows merged into their encounter's latest version)
 * found a newer version stored when it came to be stored: another channel changed the record
 * meanwhile. Storing it would silently undo that change, so the part is rolled back; read again,
 * it is merged into the newer version.
 */
public class BaseVersionMoved extends RuntimeException {

    public BaseVersionMoved(String kind) {
        // No record id or content: the message may reach a log.
        super("a record (" + kind + ") changed while a part built on it was checked");
    }
}
