package org.ketabridge.intake;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The validator of each record kind. */
@Component
public class RecordValidators {

    private final Map<RecordKind, RecordValidator> byKind = new EnumMap<>(RecordKind.class);

    RecordValidators(List<RecordValidator> validators) {
        validators.forEach(v -> byKind.put(v.kind(), v));
        for (RecordKind kind : RecordKind.values()) {
            if (!byKind.containsKey(kind)) {
                throw new IllegalStateException("No validator for " + kind);
            }
        }
    }

    RecordValidator of(RecordKind kind) {
        return byKind.get(kind);
    }
}
