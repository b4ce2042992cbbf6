package org.ketabridge.logging;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What may be said in a log about a failure: the kinds of error along its cause chain
 * ({@code IllegalStateException < JsonParseException}), never their messages, which may quote a
 * request or a record (a parser echoes the token it choked on, an EHR the value it refused).
 */
public final class LogSafe {

    private LogSafe() {
    }

    public static String kinds(Throwable error) {
        List<String> kinds = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, true) == null; t = t.getCause()) {
            kinds.add(t.getClass().getSimpleName());
        }
        return String.join(" < ", kinds);
    }
}
