package org.ketabridge.mapping;

import org.hl7.fhir.r4.model.Resource;

/**
 * One FHIR resource to write, with what makes its write idempotent, and the placeholder
 * ({@code urn:uuid:...}) other resources of the same record use to refer to it until the EHR has
 * given it an id. Most resources are written conditionally on their identifier; a resource
 * without one in FHIR R4 (Provenance) carries an id derived from the record instead
 * ({@code identifierSystem} null) and is written to that id. A {@code shared} resource stands for
 * something many records refer to (the clinic, a treatment series): the EHR path writes it once,
 * one task at a time, and refers to it by the EHR's id from then on ({@code sync/SharedResourceClaims}).
 */
public record MappedResource(Resource resource, String identifierSystem, String identifierValue, String placeholder,
                             boolean shared) {

    /** A resource of this record alone. */
    public MappedResource(Resource resource, String identifierSystem, String identifierValue, String placeholder) {
        this(resource, identifierSystem, identifierValue, placeholder, false);
    }

    public String resourceType() {
        return resource.fhirType();
    }

    public boolean writtenById() {
        return identifierSystem == null;
    }
}
