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

    public EhrWriter(EhrClients clients) {
        this.clients = clients;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        work.result(clients.of(work.clinic().id()).write(work.mapped()));
    }
}
