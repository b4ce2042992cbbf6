package org.ketabridge.mapping;

import java.util.List;

/** What one record version becomes: its main resource first, then those it brings along (vital signs). */
public record MappedRecord(List<MappedResource> resources) {

    public MappedResource primary() {
        return resources.get(0);
    }
}
