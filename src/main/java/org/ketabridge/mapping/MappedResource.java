package org.ketabridge.mapping;

import org.hl7.fhir.r4.model.Resource;

/**
 * One FHIR resource to write, with the identifier that makes its write conditional (and so
 * idempotent) and the placeholder ({@code urn:uuid:...}) other resources of the same record use
 * to refer to it until the EHR has given it an id.
 */
public record MappedResource(Resource resource, String identifierSystem, String identifierValue, String placeholder) {

    public String resourceType() {
        return resource.fhirType();
    }
}
