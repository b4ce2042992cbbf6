package org.ketabridge.channel.csv;

/** A dropped file refused whole, with why (never a value from the file: it may be patient data). */
final class RefusedFile extends Exception {

    RefusedFile(String reason) {
        super(reason, null, false, false);
    }
}
