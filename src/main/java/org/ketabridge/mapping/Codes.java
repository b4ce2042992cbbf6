package org.ketabridge.mapping;

import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Every code system, identifier system, profile and extension url the bridge writes into FHIR,
 * or reads back from what it wrote: FHIR's own structural codes (categories, classes, functions)
 * and KetaBridge's extension urls. Public so that a reader of the bridge's FHIR (the
 * controlled-substance record, the delivery Provenance) names the very urls the mappers write,
 * never a copy. Clinical vocabulary is not here: it is in fhir-mapping/, read through
 * {@link Terminology}; the few of its system urls a report looks for are named below.
 */
public final class Codes {

    /** Where KetaBridge's own definitions live: profiles, extensions, CodeSystems, ConceptMaps. */
    public static final String BASE = "http://ketabridge.org/fhir";

    public static final String NPI = "http://hl7.org/fhir/sid/us-npi";
    public static final String UCUM = "http://unitsofmeasure.org";
    public static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    public static final String FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category";
    public static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public static final String PERFORM_FUNCTION = "http://terminology.hl7.org/CodeSystem/med-admin-perform-function";
    public static final String IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";
    public static final String PROVENANCE_PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    public static final String US_CORE_PROVENANCE_PARTICIPANT_TYPE =
            "http://hl7.org/fhir/us/core/CodeSystem/us-core-provenance-participant-type";
    public static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
    /** ISO 21089 record lifecycle events: the activity of a delivery Provenance (transmit). */
    public static final String LIFECYCLE = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle";

    /** RxNorm, a target system of fhir-mapping/ConceptMap-medication.json. */
    public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    /** The url of fhir-mapping/CodeSystem-medication.json: the contract's own medication words. */
    public static final String CONTRACT_MEDICATION = BASE + "/CodeSystem/medication";

    public static final String EXTENSIONS = BASE + "/StructureDefinition/";
    public static final String PROFILE_ENCOUNTER = EXTENSIONS + "ketabridge-encounter";
    public static final String PROFILE_ADMINISTRATION = EXTENSIONS + "ketabridge-medication-administration";
    public static final String PROFILE_SCORE = EXTENSIONS + "ketabridge-score";
    public static final String PROFILE_SESSION_OBSERVATION = EXTENSIONS + "ketabridge-session-observation";
    /** FHIR R4's own vital-signs profiles, by measure. */
    public static final String VITALS = "http://hl7.org/fhir/StructureDefinition/";
    public static final String KB_WASTED_AMOUNT = EXTENSIONS + "wasted-amount";
    public static final String KB_SCORE_TIMING = EXTENSIONS + "score-timing";
    public static final String KB_SESSION_NUMBER = EXTENSIONS + "session-number";
    public static final String KB_MONITORING_MINUTES = EXTENSIONS + "monitoring-minutes";
    /** The REMS Patient Monitoring Form (fhir-mapping/Questionnaire-rems-monitoring.json) and its response's extensions. */
    public static final String REMS_QUESTIONNAIRE = BASE + "/Questionnaire/rems-monitoring";
    public static final String KB_REMS_DUE_DATE = EXTENSIONS + "rems-due-date";
    public static final String KB_REMS_UNFILLED_REASON = EXTENSIONS + "rems-unfilled-reason";

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
