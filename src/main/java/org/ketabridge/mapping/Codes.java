package org.ketabridge.mapping;

import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Code systems and codes of the first mapping version, from the domain reference.
 * The issue on mapping fidelity moves these tables into ConceptMaps under fhir-mapping/.
 */
final class Codes {

    static final String LOINC = "http://loinc.org";
    static final String SNOMED = "http://snomed.info/sct";
    static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    static final String NPI = "http://hl7.org/fhir/sid/us-npi";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String PERFORM_FUNCTION = "http://terminology.hl7.org/CodeSystem/med-admin-perform-function";
    static final String IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";

    /** KetaBridge's own canonical base, for what no standard code system names. */
    static final String KETABRIDGE = "http://ketabridge.org/fhir";
    static final String KB_CODES = KETABRIDGE + "/CodeSystem/ketabridge";
    static final String KB_WASTED_AMOUNT = KETABRIDGE + "/StructureDefinition/wasted-amount";
    static final String KB_SCORE_TIMING = KETABRIDGE + "/StructureDefinition/score-timing";
    static final String KB_MONITORING_MINUTES = KETABRIDGE + "/StructureDefinition/monitoring-minutes";
    static final String KB_SESSION_NUMBER = KETABRIDGE + "/StructureDefinition/session-number";

    static final Map<String, Coding> MEDICATIONS = Map.of(
            "ketamine", new Coding(RXNORM, "6130", "ketamine"),
            "esketamine", new Coding(RXNORM, "2201623", "esketamine Nasal Spray"));

    static final Map<String, Coding> ROUTES = Map.of(
            "IV", new Coding(SNOMED, "47625008", "Intravenous route"),
            "IM", new Coding(SNOMED, "78421000", "Intramuscular route"),
            "intranasal", new Coding(SNOMED, "46713006", "Nasal route"),
            "oral", new Coding(SNOMED, "26643006", "Oral route"),
            "sublingual", new Coding(SNOMED, "37839007", "Sublingual route"));

    static final Coding IV_INFUSION = new Coding(SNOMED, "14152002", "Intravenous infusion");

    /** Indications: a SNOMED CT concept where one is known, always the contract's own code too. */
    static final Map<String, Coding> INDICATIONS_SNOMED = Map.of(
            "TRD", new Coding(SNOMED, "370143000", "Major depressive disorder"),
            "MDD", new Coding(SNOMED, "370143000", "Major depressive disorder"),
            "PTSD", new Coding(SNOMED, "47505003", "Posttraumatic stress disorder"),
            "chronic-pain", new Coding(SNOMED, "82423001", "Chronic pain"));

    static final Map<String, Coding> SCORE_TOTALS = Map.of(
            "PHQ-9", new Coding(LOINC, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
            "GAD-7", new Coding(LOINC, "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
            "PCL-5", new Coding(LOINC, "101698-9", "PTSD Checklist for DSM-5 total score"),
            "pain-NRS", new Coding(LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating"));

    static final String[] PHQ9_ITEMS = {
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"};

    private Codes() {
    }

    static Coding local(String code, String display) {
        return new Coding(KB_CODES, code, display);
    }

    static CodeableConcept concept(Coding... codings) {
        CodeableConcept c = new CodeableConcept();
        for (Coding coding : codings) {
            c.addCoding(coding.copy());
        }
        return c;
    }

    static CodeableConcept category(String code) {
        return concept(new Coding(OBSERVATION_CATEGORY, code, null));
    }
}
