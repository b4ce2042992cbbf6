package org.ketabridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/** The validator of each record kind. */
@Component
public class RecordValidators {

    private final Map<RecordKind, RecordValidator> byKind = new EnumMap<>(RecordKind.class);

    RecordValidators(List<RecordValidator> validators) {
        validators.forEach(v -> byKind.put(v.kind(), v));
        for (RecordKind kind : RecordKind.values()) {
            if (kind.received() && !byKind.containsKey(kind)) {
                throw new IllegalStateException("No validator for " + kind);
            }
        }
    }

    RecordValidator of(RecordKind kind) {
        return byKind.get(kind);
    }

    /** The contract's rules for one record, outside any channel (tools such as the load harness). */
    public ValidationResult validate(RecordKind kind, JsonNode record,
                                     Clinic clinic, Instant now) {
        return of(kind).validate(record, clinic, now);
    }

    /** The validators of the four kinds, for use without Spring. */
    public static RecordValidators standard() {
        return new RecordValidators(List.of(new PatientValidator(), new EncounterValidator(), new DoseValidator(),
                new ScoreValidator()));
    }
}
