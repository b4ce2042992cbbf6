package org.ketabridge.sync;

import java.util.Map;
import org.ketabridge.db.SharedResources;

/**
 * The shared resources of one task's record: {@code known}, the EHR's id of each the EHR holds
 * as the record would write it (by placeholder: the task refers to it and does not write it);
 * {@code claimed}, those this task writes itself, holding their claim (by placeholder).
 */
public record SharedWrites(Map<String, String> known, Map<String, SharedResources.Key> claimed) {

    public static final SharedWrites NONE = new SharedWrites(Map.of(), Map.of());
}
