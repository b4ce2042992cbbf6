package org.ketabridge.mapping.v2;

import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;
import org.ketabridge.mapping.Codes;

/**
 * The codes of an HL7 v2 message, taken from the FHIR the record was mapped to (one terminology
 * for both): LOINC as {@code LN}, RxNorm as {@code RXN}, UCUM units as {@code UCUM}, the bridge's
 * own vocabulary as {@code L} (local), as the contract's inbound table writes it.
 */
final class V2Codes {

    static final String LOINC = "http://loinc.org";
    static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    static final String UCUM = Codes.UCUM;

    record Code(String code, String text, String system) {
    }

    private V2Codes() {
    }

    static Code local(String code) {
        return new Code(code, code, "L");
    }

    /** The concept's coding in {@code system} (LOINC, RxNorm), if it has one. */
    static Optional<Code> in(CodeableConcept concept, String system) {
        return concept.getCoding().stream().filter(c -> system.equals(c.getSystem())).findFirst().map(V2Codes::of);
    }

    /** LOINC where mapped, else the concept's first coding as a local code. */
    static Code loincElseLocal(CodeableConcept concept) {
        return in(concept, LOINC).orElseGet(() -> local(concept.getCodingFirstRep().getCode()));
    }

    /** The concept's coding in KetaBridge's own vocabulary, as a local code with its display. */
    static Code localOf(CodeableConcept concept) {
        Coding own = concept.getCoding().stream().filter(c -> c.getSystem() != null && c.getSystem().startsWith(Codes.BASE + "/"))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no KetaBridge coding in the concept"));
        return new Code(own.getCode(), own.hasDisplay() ? own.getDisplay() : own.getCode(), "L");
    }

    static Code unit(Quantity quantity) {
        if (quantity == null || !UCUM.equals(quantity.getSystem())) {
            return null;
        }
        return new Code(quantity.getCode(), quantity.hasUnit() ? quantity.getUnit() : quantity.getCode(), "UCUM");
    }

    static Code ucum(String code) {
        return new Code(code, code, "UCUM");
    }

    private static Code of(Coding c) {
        String system = LOINC.equals(c.getSystem()) ? "LN" : RXNORM.equals(c.getSystem()) ? "RXN"
                : UCUM.equals(c.getSystem()) ? "UCUM" : "L";
        return new Code(c.getCode(), c.hasDisplay() ? c.getDisplay() : c.getCode(), system);
    }
}
