package org.ketabridge.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

/**
 * A stored REMS form version (record kind REMS_FORM) ↔ its QuestionnaireResponse. The stored content
 * is the response as {@link RemsFormFiller} filled it, in HAPI's JSON, so that two fills with the same
 * answers are the same text (and so the same content hash: no new version for an identical form).
 * Mapped for a destination, its subject and encounter point where that destination knows them (the
 * EHR's ids, the store's) and {@code authored} is when this version was made. Pure.
 */
public final class RemsFormMapper {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    /** What is stored for one filled form: deterministic for the same response. */
    public String content(QuestionnaireResponse filled) {
        return parser().encodeResourceToString(filled);
    }

    /**
     * The stored form withdrawn: the same answers, status {@code entered-in-error}. For a session
     * that is no longer an esketamine session (its modality or dose corrected): its form was
     * stored and sent, and must not stand as a REMS form of the patient.
     */
    public String withdrawn(String content) {
        QuestionnaireResponse response = parse(content);
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR);
        return content(response);
    }

    /** The stored form as one destination's QuestionnaireResponse, the record's only resource. */
    public MappedRecord map(String content, TargetReferences refs, OffsetDateTime versionMadeAt) {
        QuestionnaireResponse response = parse(content);
        response.setSubject(new Reference(refs.patient()));
        response.setEncounter(refs.encounter() == null ? null : new Reference(refs.encounter()));
        response.setAuthored(Date.from(versionMadeAt.toInstant()));
        Identifier id = response.getIdentifier();
        return new MappedRecord(List.of(new MappedResource(response, id.getSystem(), id.getValue(), Identity.placeholder(id))));
    }

    private static QuestionnaireResponse parse(String content) {
        try {
            return parser().parseResource(QuestionnaireResponse.class, content);
        } catch (DataFormatException e) {
            throw new MappingException("stored REMS form is not a QuestionnaireResponse");
        }
    }

    private static IParser parser() {
        // not pretty-printed; HAPI writes elements in the model's order, so the same response is the same text
        return FHIR.newJsonParser();
    }
}
