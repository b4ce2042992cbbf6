package org.ketabridge.channel.csv;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many looks in a row failed to finish each file of a processing folder, so a file that fails
 * for ever (an error that does not go away) is refused after a few rather than retried every look.
 * Kept in memory: a restart counts again from zero, which costs a few more attempts, never a file
 * (an unfinished file refused this way resumes when dropped again, by its content).
 */
final class FailedAttempts {

    private final Map<Path, Integer> failures = new ConcurrentHashMap<>();

    /** One more failed attempt at {@code file}; returns how many so far. */
    int failed(Path file) {
        return failures.merge(file, 1, Integer::sum);
    }

    void forget(Path file) {
        failures.remove(file);
    }
}
