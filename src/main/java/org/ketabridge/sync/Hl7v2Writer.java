package org.ketabridge.sync;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.ehr.hl7v2.MllpClients;
import org.ketabridge.mapping.Identity;
import org.springframework.stereotype.Component;

/**
 * The one step of an hl7v2 clinic's sync route that talks to the EHR (issue 14): sends the
 * record's message and records the ACK as the result. Throws {@code EhrUnavailableException} when
 * the EHR did not take it for now (the circuit breaker counts these); an AE is a result (refused).
 * Held by the EHR, the record is linked under the store's form of its reference
 * ({@link Identity#reference}): an HL7 v2 EHR gives the bridge no id of its own, and what waits
 * for the record (a dose for its encounter) only needs to know it is there.
 */
@Component("hl7v2Writer")
public class Hl7v2Writer implements Processor {

    private final MllpClients clients;
    private final BridgeStopping bridge;

    public Hl7v2Writer(MllpClients clients, BridgeStopping bridge) {
        this.clients = clients;
        this.bridge = bridge;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        if (bridge.isStopping()) {
            throw new BridgeStoppingException();
        }
        String reference = Identity.reference(work.clinic(), work.kind(), work.task().recordId());
        work.result(clients.of(work.clinic().id()).send(work.message(), reference));
    }
}
