package org.ketabridge.mapping;

import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;

/**
 * The resources that stand for the clinic and its treatment courses, written before what refers
 * to them. Many records share each of them: they are marked shared, so that the EHR receives each
 * from one write at a time and is referred to by its own id afterwards.
 */
final class ClinicResources {

    private ClinicResources() {
    }

    static MappedResource organization(Clinic clinic) {
        Identifier id = Identity.clinic(clinic);
        Organization org = new Organization();
        org.addIdentifier(id);
        org.setActive(true);
        org.setName(clinic.name());
        return new MappedResource(org, id.getSystem(), id.getValue(), Identity.placeholder(id), true);
    }

    /** A course of sessions (seriesId) for one patient, managed by the clinic. */
    static MappedResource series(Clinic clinic, String seriesId, String patientRef, String organizationRef) {
        Identifier id = Identity.series(clinic, seriesId);
        EpisodeOfCare episode = new EpisodeOfCare();
        episode.addIdentifier(id);
        episode.setStatus(EpisodeOfCare.EpisodeOfCareStatus.ACTIVE);
        episode.setPatient(new Reference(patientRef));
        episode.setManagingOrganization(new Reference(organizationRef));
        return new MappedResource(episode, id.getSystem(), id.getValue(), Identity.placeholder(id), true);
    }
}
