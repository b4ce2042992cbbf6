package org.ketabridge.sync;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Whether the bridge is stopping. Set the moment Spring begins closing the application (before
 * the web server, Camel's routes and, last, the database are stopped), so that the sync routes
 * stop taking work at once: Camel's graceful shutdown then waits only for the writes already
 * talking to an EHR (bounded by Camel's shutdown timeout), and the tasks not yet started stay
 * queued, due again at the next start.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BridgeStopping implements ApplicationListener<ContextClosedEvent> {

    private final ApplicationContext bridge;
    private volatile boolean stopping;

    public BridgeStopping(ApplicationContext bridge) {
        this.bridge = bridge;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        // The contexts of the auditors' store and the demo EHR are children of the bridge's: their
        // events reach this listener too, and closing one of them does not stop the bridge.
        if (event.getApplicationContext() == bridge) {
            stopping = true;
        }
    }

    public boolean isStopping() {
        return stopping;
    }
}
