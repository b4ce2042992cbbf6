package org.ketabridge.auditor.reports;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.ketabridge.mapping.Identity;

/**
 * The REMS forms of one clinic and period, complete or not, with their counts: complete,
 * incomplete, and overdue (incomplete and due before the clinic's today). As FHIR, a collection
 * Bundle: a Parameters with the counts first, then each QuestionnaireResponse in session order;
 * as CSV, one row per session with the form's items in its order.
 */
public record RemsFormReport(String clinic, LocalDate start, LocalDate end, Questionnaire form, List<RemsForm> forms) {

    public long complete() {
        return forms.stream().filter(RemsForm::complete).count();
    }

    public long incomplete() {
        return forms.size() - complete();
    }

    public long overdue() {
        return forms.stream().filter(RemsForm::overdue).count();
    }

    public Bundle toBundle() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.setTotal(forms.size());
        Parameters counts = new Parameters();
        counts.addParameter().setName("clinic").setValue(new StringType(clinic));
        counts.addParameter().setName("start").setValue(new DateType(start.toString()));
        counts.addParameter().setName("end").setValue(new DateType(end.toString()));
        counts.addParameter().setName("complete").setValue(new IntegerType(Math.toIntExact(complete())));
        counts.addParameter().setName("incomplete").setValue(new IntegerType(Math.toIntExact(incomplete())));
        counts.addParameter().setName("overdue").setValue(new IntegerType(Math.toIntExact(overdue())));
        bundle.addEntry().setResource(counts);
        for (RemsForm f : forms) {
            // Computed, not stored: named by the id the form's identifier derives, the same on every request.
            bundle.addEntry().setFullUrl(Identity.placeholder(f.response().getIdentifier())).setResource(f.response());
        }
        return bundle;
    }

    /**
     * For a spreadsheet: clinic, encounter, status, due date and overdue, then the form's items in
     * its order (a group's questions each in a column), each item followed by its {@code .unfilled}
     * column (the reason's code, and its note after a colon); values of one item joined by {@code ;}.
     * Then an empty line and the counts. Cells neutralised as in every report ({@link CsvLines}).
     */
    public String toCsv() {
        List<String> header = new ArrayList<>(List.of("clinic", "encounter_id", "status", "due_date", "overdue"));
        for (QuestionnaireItemComponent item : form.getItem()) {
            leaves(item).forEach(leaf -> header.add(leaf.getLinkId()));
            header.add(item.getLinkId() + ".unfilled");
        }
        StringBuilder csv = new StringBuilder();
        CsvLines.line(csv, header.toArray(String[]::new));
        for (RemsForm f : forms) {
            Map<String, QuestionnaireResponseItemComponent> answered = byLinkId(f.response().getItem());
            Map<String, String> reasons = f.unfilled().stream().collect(Collectors.groupingBy(
                    u -> topLevel(u.linkId()), Collectors.mapping(RemsFormReport::reason, Collectors.joining(";"))));
            List<String> row = new ArrayList<>(List.of(clinic, f.encounterId(), f.response().getStatus().toCode(),
                    f.dueDate().toString(), String.valueOf(f.overdue())));
            for (QuestionnaireItemComponent item : form.getItem()) {
                leaves(item).forEach(leaf -> row.add(answers(answered.get(leaf.getLinkId()))));
                row.add(reasons.get(item.getLinkId()));
            }
            CsvLines.line(csv, row.toArray(String[]::new));
        }
        csv.append("\r\n");
        CsvLines.line(csv, "clinic", "start", "end", "complete", "incomplete", "overdue");
        CsvLines.line(csv, clinic, start.toString(), end.toString(), String.valueOf(complete()), String.valueOf(incomplete()),
                String.valueOf(overdue()));
        return csv.toString();
    }

    private static List<QuestionnaireItemComponent> leaves(QuestionnaireItemComponent item) {
        return item.getType() == QuestionnaireItemType.GROUP ? item.getItem() : List.of(item);
    }

    /** A group's questions are named {@code group.question}: their reasons go in the group's column. */
    private String topLevel(String linkId) {
        return form.getItem().stream().map(QuestionnaireItemComponent::getLinkId)
                .filter(top -> linkId.equals(top) || linkId.startsWith(top + ".")).findFirst().orElse(linkId);
    }

    private static Map<String, QuestionnaireResponseItemComponent> byLinkId(List<QuestionnaireResponseItemComponent> items) {
        Map<String, QuestionnaireResponseItemComponent> all = new HashMap<>();
        for (QuestionnaireResponseItemComponent item : items) {
            all.put(item.getLinkId(), item);
            all.putAll(byLinkId(item.getItem()));
        }
        return all;
    }

    private static String reason(RemsForm.Unfilled u) {
        return u.note() == null ? u.reason() : u.reason() + ": " + u.note();
    }

    private static String answers(QuestionnaireResponseItemComponent item) {
        if (item == null || item.getAnswer().isEmpty()) {
            return null;
        }
        return item.getAnswer().stream().map(QuestionnaireResponseItemAnswerComponent::getValue).map(RemsFormReport::plain)
                .collect(Collectors.joining(";"));
    }

    private static String plain(Type value) {
        if (value instanceof Coding c) {
            return c.getCode();
        }
        if (value instanceof Quantity q) {
            return q.getValue().stripTrailingZeros().toPlainString();
        }
        if (value instanceof Reference r) {
            return r.getReference();
        }
        return value instanceof PrimitiveType<?> p ? p.getValueAsString() : value.fhirType();
    }
}
