package org.ketabridge.mapping;

import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * The Provenance of a record version: every resource it became, when the bridge received it,
 * from which clinic (author) through KetaBridge (transmitter), and from which receipt.
 */
final class ProvenanceMapper {

    MappedResource map(MappingInput in, List<MappedResource> resources) {
        DerivedId id = Identity.provenance(in.clinic(), in.kind(), in.recordId(), in.version());
        Provenance p = new Provenance();
        p.setId(id.id());
        resources.forEach(r -> p.addTarget(new Reference(r.placeholder())));
        p.setRecorded(Date.from(in.receivedAt().toInstant()));
        p.setActivity(new CodeableConcept().addCoding(in.version() == 1
                ? new Coding(Codes.DATA_OPERATION, "CREATE", "create")
                : new Coding(Codes.DATA_OPERATION, "UPDATE", "revise")));
        p.addAgent()
                .setType(new CodeableConcept().addCoding(new Coding(Codes.PROVENANCE_PARTICIPANT_TYPE, "author", "Author")))
                .setWho(new Reference().setIdentifier(Identity.clinic(in.clinic())).setDisplay(in.clinic().name()));
        p.addAgent()
                .setType(new CodeableConcept().addCoding(new Coding(Codes.US_CORE_PROVENANCE_PARTICIPANT_TYPE, "transmitter", "Transmitter")))
                .setWho(new Reference().setDisplay("KetaBridge"));
        p.addEntity()
                .setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference()
                        .setIdentifier(new Identifier().setSystem(in.clinic().identifierSystem("receipt")).setValue(in.receiptId()))
                        .setDisplay(in.kind().collection() + " record " + in.recordId() + ", version " + in.version()));
        return new MappedResource(p, null, id.id(), id.placeholder());
    }
}
