package org.ketabridge.mapping.v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.ketabridge.mapping.MappingException;

/**
 * A record version as the HL7 v2.5.1 message an EHR of type {@code hl7v2} receives (issue 14),
 * mirroring the contract's inbound table so the bridge's own HL7 reader would read it back as the
 * same record: patient → ADT^A04 (version 1) or ADT^A08; encounter → ORU^R01 (its vital signs);
 * score → ORU^R01; dose → RAS^O17. Pure: no I/O; {@code now} is MSH-7.
 */
public final class V2Messages {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final HapiContext HAPI = hapi();

    private V2Messages() {
    }

    public static V2Message build(V2Input in, Instant now) {
        JsonNode record = read(in.content());
        String controlId = ControlIds.of(in.versionRowId(), in.replays());
        return switch (in.kind()) {
            case PATIENT -> PatientMessage.build(in, record, controlId, now);
            case ENCOUNTER -> EncounterMessage.build(in, record, controlId, now);
            case SCORE -> ScoreMessage.build(in, record, controlId, now);
            case DOSE -> DoseMessage.build(in, record, controlId, now);
            // Not accepted by an HL7 v2 EHR (sync/EhrAcceptance): never sent as a message.
            case REMS_FORM -> throw new MappingException("a REMS form has no HL7 v2 message");
        };
    }

    /** ER7 with HL7's escapes for any delimiter a value holds. */
    static V2Message encode(Message message, String controlId, String type) {
        try {
            return new V2Message(controlId, type, HAPI.getPipeParser().encode(message));
        } catch (HL7Exception e) {
            throw new MappingException("HL7 v2 message " + controlId + " could not be encoded");
        }
    }

    static HapiContext hapi() {
        HapiContext context = new DefaultHapiContext();
        // The record was checked by intake and its FHIR by the validator; HAPI's own rules would only repeat them.
        context.setValidationContext(ValidationContextFactory.noValidation());
        return context;
    }

    static HapiContext context() {
        return HAPI;
    }

    /** Corrected (C) for a later version of the record, else final (F): OBX-11. */
    static String resultStatus(V2Input in) {
        return in.version() > 1 ? "C" : "F";
    }

    /** A stored value as written in the message: numbers exactly as stored, never through a double. */
    static String text(JsonNode record, String field) {
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isNumber() ? v.decimalValue().stripTrailingZeros().toPlainString() : v.asText();
    }

    private static JsonNode read(String content) {
        try {
            return JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new MappingException("stored record is not JSON");
        }
    }
}
