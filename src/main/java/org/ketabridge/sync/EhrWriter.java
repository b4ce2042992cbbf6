package org.ketabridge.sync;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The one step that talks to the EHR. Throws {@link EhrUnavailableException} when the EHR could
 * not take the write (the circuit breaker around it counts these); a refusal for good is a result.
 */
@Component("ehrWriter")
public class EhrWriter implements Processor {

    private final EhrClients clients;
    private final BridgeStopping bridge;

    public EhrWriter(EhrClients clients, BridgeStopping bridge) {
        this.clients = clients;
        this.bridge = bridge;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        // Tasks handed out before the stop but not yet written stay queued: only the writes
        // already talking to the EHR are waited for.
        if (bridge.isStopping()) {
            throw new BridgeStoppingException();
        }
        work.result(clients.of(work.clinic().id()).write(work.mapped(), work.task().id(), work.version().version()));
    }
}
