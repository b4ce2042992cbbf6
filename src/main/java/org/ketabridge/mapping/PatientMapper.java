package org.ketabridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.ketabridge.config.Clinic;

/** patient record → Patient, identified by its MRN. */
final class PatientMapper {

    MappedRecord map(Clinic clinic, JsonNode r) {
        Identifier id = Identity.patient(clinic, r.get("mrn").asText());
        id.getType().addCoding().setSystem(Codes.IDENTIFIER_TYPE).setCode("MR");
        Patient p = new Patient();
        p.addIdentifier(id);
        HumanName name = p.addName().setFamily(r.get("familyName").asText());
        if (r.hasNonNull("givenName")) {
            name.addGiven(r.get("givenName").asText());
        }
        p.setBirthDateElement(new DateType(r.get("birthDate").asText()));
        if (r.hasNonNull("sex")) {
            p.setGender(AdministrativeGender.fromCode(r.get("sex").asText()));
        }
        return new MappedRecord(List.of(new MappedResource(p, id.getSystem(), id.getValue(), Identity.placeholder(id))));
    }
}
