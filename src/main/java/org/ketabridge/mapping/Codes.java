package org.ketabridge.mapping;

import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * FHIR's own structural codes (categories, classes, functions) and KetaBridge's extension urls.
 * Clinical vocabulary is not here: it is in fhir-mapping/, read through {@link Terminology}.
 */
final class Codes {

    static final String NPI = "http://hl7.org/fhir/sid/us-npi";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String PERFORM_FUNCTION = "http://terminology.hl7.org/CodeSystem/med-admin-perform-function";
    static final String IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";

    static final String EXTENSIONS = Terminology.BASE + "/StructureDefinition/";
    static final String PROFILE_ENCOUNTER = EXTENSIONS + "ketabridge-encounter";
    static final String PROFILE_ADMINISTRATION = EXTENSIONS + "ketabridge-medication-administration";
    static final String PROFILE_SCORE = EXTENSIONS + "ketabridge-score";
    /** FHIR R4's own vital-signs profiles, by measure. */
    static final String VITALS = "http://hl7.org/fhir/StructureDefinition/";
    static final String KB_WASTED_AMOUNT = EXTENSIONS + "wasted-amount";
    static final String KB_SCORE_TIMING = EXTENSIONS + "score-timing";
    static final String KB_SESSION_NUMBER = EXTENSIONS + "session-number";
    static final String KB_MONITORING_MINUTES = EXTENSIONS + "monitoring-minutes";

    private Codes() {
    }

    /** Standard codings first, then the contract's own code, so both systems can be searched. */
    static CodeableConcept concept(List<Coding> standard, Coding local) {
        CodeableConcept c = new CodeableConcept();
        standard.forEach(c::addCoding);
        if (local != null) {
            c.addCoding(local);
        }
        return c;
    }

    static CodeableConcept category(String code) {
        return new CodeableConcept().addCoding(new Coding(OBSERVATION_CATEGORY, code, null));
    }
}
