package org.ketabridge.channel.csv;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.ketabridge.logging.LogSafe;

/**
 * How many looks in a row failed to finish each file of a processing folder, so a file that fails
 * for ever (an error that does not go away) is refused after a few rather than retried every look;
 * the kinds of its last error (for the files API, never a message); and, once it is to be
 * refused, why, so later looks only retry that move. Kept in memory: a restart counts again from
 * zero, which costs a few more attempts, never a file (an unfinished file refused this way resumes
 * when dropped again, by its content; a file read to the end is only ever moved).
 */
final class FailedAttempts {

    /** The looks that failed at a file, the kinds of the last error, and the refusal decided, if one was. */
    record Failures(int looks, String lastError, String refusal) {
    }

    private final Map<Path, Failures> failures = new ConcurrentHashMap<>();

    /** One more failed look at {@code file}; returns how many so far. */
    int failed(Path file, Throwable error) {
        return failures.merge(file, new Failures(1, LogSafe.kinds(error), null),
                (was, now) -> new Failures(was.looks() + 1, now.lastError(), was.refusal())).looks();
    }

    /** The file is to be refused, for this reason: later looks try that move, never a read. */
    void refusing(Path file, String reason) {
        failures.computeIfPresent(file, (f, was) -> new Failures(was.looks(), was.lastError(), reason));
    }

    /** The refusing move failed too, in the same look: its error is the last, the looks are as they were. */
    void stillFailing(Path file, Throwable error) {
        failures.computeIfPresent(file, (f, was) -> new Failures(was.looks(), LogSafe.kinds(error), was.refusal()));
    }

    Optional<Failures> of(Path file) {
        return Optional.ofNullable(failures.get(file));
    }

    /** The file was renamed within processing/ (into its receipt's folder): its count goes with it. */
    void moved(Path from, Path to) {
        Failures was = failures.remove(from);
        if (was != null) {
            failures.put(to, was);
        }
    }

    void forget(Path file) {
        failures.remove(file);
    }
}
