package org.ketabridge.auditor.reports;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.ketabridge.mapping.Codes;

/**
 * One session's filled REMS form as an auditor or clinic IT reads it: the response, its due date,
 * whether it is complete, overdue (not complete and due before {@code today}, the clinic's date),
 * and the items it could not fill with why.
 */
public record RemsForm(String encounterId, QuestionnaireResponse response, LocalDate dueDate, boolean complete, boolean overdue,
                       List<Unfilled> unfilled) {

    /** An item not filled: its linkId, the code of rems-unfilled-reason, and a note where the filler gave one. */
    public record Unfilled(String linkId, String reason, String note) {
    }

    static RemsForm of(String encounterId, QuestionnaireResponse response, LocalDate today) {
        LocalDate due = LocalDate.parse(((DateType) response.getExtensionByUrl(Codes.KB_REMS_DUE_DATE).getValue()).getValueAsString());
        boolean complete = response.getStatus() == QuestionnaireResponseStatus.COMPLETED;
        List<Unfilled> unfilled = new ArrayList<>();
        collect(response.getItem(), unfilled);
        return new RemsForm(encounterId, response, due, complete, !complete && due.isBefore(today), List.copyOf(unfilled));
    }

    private static void collect(List<QuestionnaireResponseItemComponent> items, List<Unfilled> into) {
        for (QuestionnaireResponseItemComponent item : items) {
            var why = item.getExtensionByUrl(Codes.KB_REMS_UNFILLED_REASON);
            if (why != null && why.getValue() instanceof CodeableConcept reason) {
                into.add(new Unfilled(item.getLinkId(), reason.getCodingFirstRep().getCode(), reason.getText()));
            }
            collect(item.getItem(), into);
        }
    }
}
