package org.ketabridge.intake;

import java.util.List;
import org.ketabridge.config.Clinic;
import org.ketabridge.record.RecordKind;

/** The records of one request, file or message, read but not yet checked. */
public record IntakeBatch(Clinic clinic, RecordKind kind, String channel, List<InboundLine> lines) {
}
