package org.ketabridge.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;

/** What a test's {@link ListAppender} caught, for a test whose bridge is still running. */
public final class LogEvents {

    private LogEvents() {
    }

    /**
     * The events caught so far, copied under the appender's own lock (the one its appends take):
     * the bridge's threads go on logging while the test reads, and iterating the appender's list
     * itself meanwhile can throw ConcurrentModificationException.
     */
    public static List<ILoggingEvent> of(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            return new ArrayList<>(appender.list);
        }
    }
}
