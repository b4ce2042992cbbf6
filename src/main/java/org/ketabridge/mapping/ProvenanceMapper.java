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

    private static final String PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    private static final String US_CORE_PARTICIPANT_TYPE = "http://hl7.org/fhir/us/core/CodeSystem/us-core-provenance-participant-type";
    private static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";

    MappedResource map(MappingInput in, List<MappedResource> resources) {
        Provenance p = new Provenance();
        p.setId(Identity.provenanceId(in.clinic(), in.kind().name(), in.recordId(), in.version()));
        resources.forEach(r -> p.addTarget(new Reference(r.placeholder())));
        p.setRecorded(Date.from(in.receivedAt().toInstant()));
        p.setActivity(new CodeableConcept().addCoding(in.version() == 1
                ? new Coding(DATA_OPERATION, "CREATE", "create")
                : new Coding(DATA_OPERATION, "UPDATE", "revise")));
        p.addAgent()
                .setType(new CodeableConcept().addCoding(new Coding(PARTICIPANT_TYPE, "author", "Author")))
                .setWho(new Reference().setIdentifier(Identity.clinic(in.clinic())).setDisplay(in.clinic().name()));
        p.addAgent()
                .setType(new CodeableConcept().addCoding(new Coding(US_CORE_PARTICIPANT_TYPE, "transmitter", "Transmitter")))
                .setWho(new Reference().setDisplay("KetaBridge"));
        p.addEntity()
                .setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference()
                        .setIdentifier(new Identifier().setSystem(in.clinic().identifierSystem("receipt")).setValue(in.receiptId()))
                        .setDisplay(in.kind().collection() + " record " + in.recordId() + ", version " + in.version()));
        String hex = p.getIdElement().getIdPart().substring("kb-".length());
        String uuid = hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
        return new MappedResource(p, null, p.getIdElement().getIdPart(), "urn:uuid:" + uuid);
    }
}
