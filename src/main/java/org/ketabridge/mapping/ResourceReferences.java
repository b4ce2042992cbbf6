package org.ketabridge.mapping;

import ca.uhn.fhir.context.FhirContext;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Where a mapped resource's references point, changed for one destination after mapping: a
 * placeholder turned into the id the destination gave (an EHR's {@code Encounter/42}), or a
 * reference to something the destination will never hold dropped (issue 13: a resource of a type
 * the EHR does not accept). Pure: the resource is changed in place, nothing else is touched.
 */
public final class ResourceReferences {

    private ResourceReferences() {
    }

    /** Every reference to a key of {@code to} (a placeholder, as mapped) points at its value instead. */
    public static void rewrite(FhirContext fhir, Resource resource, Map<String, String> to) {
        if (to.isEmpty()) {
            return;
        }
        for (Reference ref : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            if (ref.hasReference() && to.containsKey(ref.getReference())) {
                ref.setReference(to.get(ref.getReference()));
            }
        }
    }

    /**
     * Every reference to one of {@code gone} is dropped: emptied, and so left out when the resource
     * is written (HAPI writes no empty element, in a list or alone). Only for references FHIR lets
     * a resource go without (an Observation's encounter, a MedicationAdministration's context and
     * supportingInformation, a Provenance's further targets, an Encounter's serviceProvider and
     * episodeOfCare): whoever drops one has decided so.
     */
    public static void drop(FhirContext fhir, Resource resource, Set<String> gone) {
        if (gone.isEmpty()) {
            return;
        }
        for (Reference ref : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            if (ref.hasReference() && gone.contains(ref.getReference())) {
                ref.setReference(null);
            }
        }
    }
}
