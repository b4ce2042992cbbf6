package org.ketabridge.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Questionnaire;

/**
 * The Questionnaires of fhir-mapping/ in the validator's support chain, so that a
 * QuestionnaireResponse is checked against its Questionnaire (items, types, required answers,
 * answer ValueSets). HAPI's PrePopulatedValidationSupport serves only StructureDefinitions,
 * CodeSystems, ValueSets and SearchParameters; the validator asks the chain for anything else by
 * canonical url, here.
 */
final class QuestionnaireSupport implements IValidationSupport {

    private final FhirContext fhir;
    private final List<Questionnaire> questionnaires;

    QuestionnaireSupport(FhirContext fhir, List<Questionnaire> questionnaires) {
        this.fhir = fhir;
        this.questionnaires = List.copyOf(questionnaires);
    }

    @Override
    public FhirContext getFhirContext() {
        return fhir;
    }

    @Override
    public String getName() {
        return "KetaBridge Questionnaires";
    }

    /** A Questionnaire by its url, or by url|version when the version is this one's. */
    @Override
    public <T extends IBaseResource> T fetchResource(Class<T> type, String canonical) {
        if (type != null && !type.isAssignableFrom(Questionnaire.class) || canonical == null) {
            return null;
        }
        int bar = canonical.indexOf('|');
        String url = bar < 0 ? canonical : canonical.substring(0, bar);
        String version = bar < 0 ? null : canonical.substring(bar + 1);
        return questionnaires.stream()
                .filter(q -> url.equals(q.getUrl()) && (version == null || version.equals(q.getVersion())))
                .findFirst().map(type == null ? q -> (T) q : type::cast).orElse(null);
    }
}
