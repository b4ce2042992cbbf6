package org.ketabridge.mapping;

import java.util.List;

/**
 * What one record version becomes: its resources in write order (what others refer to first:
 * the clinic's Organization, the series' EpisodeOfCare, the body weight, before the Encounter or
 * MedicationAdministration that refers to them; vital signs after their Encounter), and which of
 * them is the record's main resource.
 */
public record MappedRecord(List<MappedResource> resources, MappedResource primary) {

    /** A record whose main resource is written first. */
    public MappedRecord(List<MappedResource> resources) {
        this(resources, resources.get(0));
    }
}
