package org.ketabridge.sync;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.config.EhrType;
import org.ketabridge.ehr.hl7v2.MllpClients;
import org.ketabridge.mapping.Identity;
import org.springframework.stereotype.Component;

/**
 * The one step that talks to the EHR. Throws {@link EhrUnavailableException} when the EHR could
 * not take the write (the circuit breaker around it counts these); a refusal for good is a result.
 *
 * <p>A FHIR EHR is written the record's mapped resources; an HL7 v2 EHR (issue 14) is sent the
 * record's message, and the ACK is the result. Held by an HL7 v2 EHR, the record is linked under
 * the store's form of its reference ({@link Identity#reference}): such an EHR gives the bridge no id
 * of its own, and what waits for the record (a dose for its encounter) only needs to know it is there.
 */
@Component("ehrWriter")
public class EhrWriter implements Processor {

    private final EhrClients clients;
    private final MllpClients mllp;
    private final BridgeStopping bridge;

    public EhrWriter(EhrClients clients, MllpClients mllp, BridgeStopping bridge) {
        this.clients = clients;
        this.mllp = mllp;
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
        String clinicId = work.clinic().id();
        if (work.clinic().ehr().type() == EhrType.HL7V2) {
            String reference = Identity.reference(work.clinic(), work.kind(), work.task().recordId());
            work.result(mllp.of(clinicId).send(work.message(), reference));
            return;
        }
        work.result(clients.of(clinicId).write(work.mapped(), work.task().id(), work.version().version()));
    }
}
