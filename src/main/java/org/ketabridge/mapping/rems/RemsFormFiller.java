package org.ketabridge.mapping.rems;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.config.Clinic;
import org.ketabridge.mapping.Codes;
import org.ketabridge.mapping.Identity;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.mapping.Terminology;

/**
 * One esketamine session → its Spravato REMS Patient Monitoring Form, as a QuestionnaireResponse
 * to fhir-mapping/Questionnaire-rems-monitoring.json, with the items in the Questionnaire's order.
 * Pure: the same session always gives the same response, and nothing is read or written.
 * <ul>
 * <li>Each item the records answer is answered ({@link SessionAnswers}, {@link BloodPressureReadings}).</li>
 * <li>Each item they do not is present without an answer, with the extension rems-unfilled-reason:
 * why, as a code of CodeSystem rems-unfilled-reason (and a text where it says more). On the item
 * itself, rather than in a contained list, so the reason travels with the item it explains and an
 * auditor's tool reads one item to know both.</li>
 * <li>Status {@code completed} when every required item (of those asked) is answered and none carries
 * a reason, else {@code in-progress}. The two "vital signs acceptable" items are a clinician's
 * judgement: never filled, not required, and so never what keeps a form from completion.</li>
 * <li>Extension rems-due-date: the session's date + 7 days.</li>
 * </ul>
 * The identifier is one per session, so a form refilled after a record changed is the next version of
 * the same resource. {@code authored} is left to whoever stores the response.
 */
public final class RemsFormFiller {

    static final int DAYS_TO_FILE = 7;

    private final Terminology terms;
    private final Questionnaire form;
    private final SessionAnswers answers;

    public RemsFormFiller(Terminology terms) {
        this.terms = terms;
        this.form = terms.questionnaires().stream().filter(q -> Codes.REMS_QUESTIONNAIRE.equals(q.getUrl())).findFirst()
                .orElseThrow(() -> new MappingException("no Questionnaire " + Codes.REMS_QUESTIONNAIRE + " in fhir-mapping/"));
        this.answers = new SessionAnswers(terms);
    }

    /** The Questionnaire the responses answer (its items in the form's order). */
    public Questionnaire form() {
        return form;
    }

    public QuestionnaireResponse fill(Clinic clinic, RemsSession session) {
        Map<String, ItemFill> fills = answers.of(session);
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.addExtension(Codes.KB_REMS_DUE_DATE,
                new DateType(session.start().toLocalDate().plusDays(DAYS_TO_FILE).toString()));
        response.setIdentifier(Identity.remsForm(clinic, session.encounterId()));
        response.setQuestionnaire(form.getUrl() + "|" + form.getVersion());
        response.setSubject(new Reference(session.patientReference()));
        if (session.encounterReference() != null) {
            response.setEncounter(new Reference(session.encounterReference()));
        }
        response.setItem(items(form.getItem(), fills));
        response.setStatus(complete(form.getItem(), fills) ? QuestionnaireResponseStatus.COMPLETED : QuestionnaireResponseStatus.INPROGRESS);
        return response;
    }

    private List<QuestionnaireResponseItemComponent> items(List<QuestionnaireItemComponent> questions, Map<String, ItemFill> fills) {
        // a list of its own, as HAPI's model expects to be able to add to it
        return questions.stream().filter(q -> fills.containsKey(q.getLinkId())).map(q -> item(q, fills.get(q.getLinkId())))
                .collect(Collectors.toCollection(ArrayList::new));
    }

    private QuestionnaireResponseItemComponent item(QuestionnaireItemComponent question, ItemFill fill) {
        QuestionnaireResponseItemComponent item = new QuestionnaireResponseItemComponent().setLinkId(question.getLinkId())
                .setText(question.getText());
        if (fill.reason() != null) {
            CodeableConcept why = new CodeableConcept(terms.local(UnfilledReason.CODE_SYSTEM, fill.reason().code()));
            item.addExtension(Codes.KB_REMS_UNFILLED_REASON, why.setText(fill.note()));
        }
        fill.answers().forEach(a -> item.addAnswer().setValue(a));
        if (question.getType() == QuestionnaireItemType.GROUP && fill.parts().isEmpty()) {
            // a group not filled keeps its questions, unanswered: FHIR wants a required group to have sub-items
            question.getItem().forEach(q -> item.addItem().setLinkId(q.getLinkId()).setText(q.getText()));
        } else {
            item.setItem(items(question.getItem(), fill.parts()));
        }
        return item;
    }

    /** Every required item asked is filled; an item not asked counts only when it depends on another's answer. */
    private static boolean complete(List<QuestionnaireItemComponent> questions, Map<String, ItemFill> fills) {
        return questions.stream().filter(QuestionnaireItemComponent::getRequired).allMatch(q -> {
            ItemFill fill = fills.get(q.getLinkId());
            return fill == null ? q.hasEnableWhen() : fill.isFilled() && (q.getItem().isEmpty() || complete(q.getItem(), fill.parts()));
        });
    }
}
