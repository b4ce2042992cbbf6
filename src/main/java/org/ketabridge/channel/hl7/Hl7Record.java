package org.ketabridge.channel.hl7;

import java.util.List;
import java.util.Map;
import org.ketabridge.intake.InboundLine;

/**
 * One record read from a message: the contract JSON an HTTP client would send (as an
 * {@link InboundLine}), where each of its fields came from, the segment that anchors it (PID, ORC,
 * OBR) for an error with no field of its own, and what could not be read at all (a value the
 * contract has no word for; then the line is unreadable and these are its errors).
 */
public record Hl7Record(InboundLine line, String recordId, Hl7Location anchor, Map<String, Hl7Location> sources,
                        List<Hl7FieldError> readErrors) {
}
