package org.ketabridge.ehr.fhir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;

/**
 * Finding a resource the bridge created without its identifier (issue 13): at an EHR that declares
 * no {@code identifier} search for the type, or does not keep the bridge's identifiers, a create
 * whose answer was lost is looked up by what the statement declares instead, and a candidate is
 * judged by its content. The EHR holds exactly one resource per record, so a resource of the same
 * patient, code and time with the same value is that record.
 *
 * <p>The search, by the parameters the statement declares for the type (FHIR R4 names):
 * <ul>
 * <li>Observation: {@code patient} (or {@code subject}), {@code date} = effective time, and
 *     {@code code} = {@code system|code} when declared;
 * <li>Encounter: {@code patient} (or {@code subject}) and {@code date=ge<start>&date=le<start>}
 *     (its period contains its start);
 * <li>MedicationAdministration: {@code patient} (or {@code subject}), {@code effective-time}, and
 *     {@code code} when declared.
 * </ul>
 * Any other type, a resource whose subject is not {@code Patient/id} or that has no time, or a
 * statement without those parameters: no search ({@link #searchFor} is empty).
 *
 * <p>The rule for a candidate ({@link #judge}), erring on "cannot tell":
 * <ul>
 * <li>it carries the bridge's identifier: {@link Verdict#SAME};
 * <li>it carries another identifier of the bridge's system: {@link Verdict#OTHER} (another record);
 * <li>its subject, code (no coding in common) or time (to the second) differ from what the bridge
 *     sent: {@link Verdict#OTHER};
 * <li>all of those equal, and its value too (Observation: {@code value[x]} and every component,
 *     quantities by number and unit; Encounter: the period's end; MedicationAdministration: the
 *     dose): {@link Verdict#SAME};
 * <li>anything else (one of them missing, the value differs: the EHR's copy may have been edited):
 *     {@link Verdict#UNSURE}.
 * </ul>
 */
final class SameRecord {

    /** What a candidate is to the resource the bridge sent. */
    enum Verdict { SAME, OTHER, UNSURE }

    private SameRecord() {
    }

    /**
     * The search ({@code Type?...}) for the resource the bridge sent, by the parameters the plan
     * declares for its type; empty when it cannot be searched for.
     */
    static Optional<String> searchFor(Resource sent, WritePlan.TypePlan plan) {
        String type = sent.fhirType();
        Optional<String> patientParam = patientParam(plan);
        Optional<String> timeParam = timeParam(type, plan);
        Optional<String> patient = subject(sent).filter(s -> s.startsWith("Patient/") && s.indexOf('/', 8) < 0);
        Optional<String> time = time(sent).map(BaseDateTimeType::getValueAsString);
        if (patientParam.isEmpty() || timeParam.isEmpty() || patient.isEmpty() || time.isEmpty()) {
            return Optional.empty();
        }
        List<String> params = new ArrayList<>();
        params.add(patientParam.get() + "=" + encode(patient.get()));
        if (sent instanceof Encounter) {
            params.add(timeParam.get() + "=" + encode("ge" + time.get()));
            params.add(timeParam.get() + "=" + encode("le" + time.get()));
        } else {
            params.add(timeParam.get() + "=" + encode(time.get()));
        }
        Optional<Coding> code = code(sent).flatMap(c -> c.getCoding().stream().filter(x -> x.hasSystem() && x.hasCode()).findFirst());
        if (plan.searches("code") && code.isPresent()) {
            params.add("code=" + encode(code.get().getSystem() + "|" + code.get().getCode()));
        }
        return Optional.of(type + "?" + String.join("&", params));
    }

    /** Whether the plan declares what a resource of the type is searched by (it may still lack a patient or a time). */
    static boolean declared(String type, WritePlan.TypePlan plan) {
        return patientParam(plan).isPresent() && timeParam(type, plan).isPresent();
    }

    private static Optional<String> patientParam(WritePlan.TypePlan plan) {
        return plan.searches("patient") ? Optional.of("patient") : plan.searches("subject") ? Optional.of("subject") : Optional.empty();
    }

    private static Optional<String> timeParam(String type, WritePlan.TypePlan plan) {
        String param = switch (type) {
            case "Observation", "Encounter" -> "date";
            case "MedicationAdministration" -> "effective-time";
            default -> null;
        };
        return param != null && plan.searches(param) ? Optional.of(param) : Optional.empty();
    }

    /** What {@code candidate}, found in the EHR, is to {@code sent}, whose identifier is {@code system|value}. */
    static Verdict judge(Resource sent, Resource candidate, String system, String value) {
        List<Identifier> theirs = identifiers(candidate);
        if (theirs.stream().anyMatch(i -> system.equals(i.getSystem()) && value.equals(i.getValue()))) {
            return Verdict.SAME;
        }
        if (theirs.stream().anyMatch(i -> system.equals(i.getSystem()))) {
            return Verdict.OTHER;
        }
        Verdict verdict = Verdict.SAME;
        verdict = worst(verdict, sameSubject(subject(sent), subject(candidate)));
        verdict = worst(verdict, sameTime(time(sent), time(candidate)));
        if (code(sent).isPresent()) {
            verdict = worst(verdict, sameCode(code(sent).get(), code(candidate)));
        }
        if (verdict == Verdict.OTHER) {
            return verdict;
        }
        return worst(verdict, sameValue(sent, candidate) ? Verdict.SAME : Verdict.UNSURE);
    }

    private static Verdict worst(Verdict a, Verdict b) {
        return a == Verdict.OTHER || b == Verdict.OTHER ? Verdict.OTHER
                : a == Verdict.UNSURE || b == Verdict.UNSURE ? Verdict.UNSURE : Verdict.SAME;
    }

    private static Verdict sameSubject(Optional<String> sent, Optional<String> candidate) {
        if (sent.isEmpty() || candidate.isEmpty()) {
            return sent.isEmpty() && candidate.isEmpty() ? Verdict.SAME : Verdict.UNSURE;
        }
        return sent.get().equals(candidate.get()) ? Verdict.SAME : Verdict.OTHER;
    }

    private static Verdict sameTime(Optional<BaseDateTimeType> sent, Optional<BaseDateTimeType> candidate) {
        if (sent.isEmpty() || candidate.isEmpty()) {
            return sent.isEmpty() && candidate.isEmpty() ? Verdict.SAME : Verdict.UNSURE;
        }
        return toSecond(sent.get()).equals(toSecond(candidate.get())) ? Verdict.SAME : Verdict.OTHER;
    }

    private static Verdict sameCode(CodeableConcept sent, Optional<CodeableConcept> candidate) {
        if (candidate.isEmpty() || !candidate.get().hasCoding()) {
            return Verdict.UNSURE;
        }
        return shareACoding(sent, candidate.get()) ? Verdict.SAME : Verdict.OTHER;
    }

    private static boolean sameValue(Resource sent, Resource candidate) {
        if (sent instanceof Observation o && candidate instanceof Observation c) {
            if (!sameValue(o.getValue(), c.getValue()) || o.getComponent().size() != c.getComponent().size()) {
                return false;
            }
            return o.getComponent().stream().allMatch(mine -> c.getComponent().stream().anyMatch(their ->
                    shareACoding(mine.getCode(), their.getCode()) && sameValue(mine.getValue(), their.getValue())));
        }
        if (sent instanceof Encounter e && candidate instanceof Encounter c) {
            return sameInstant(e.getPeriod().getEndElement(), c.getPeriod().getEndElement());
        }
        if (sent instanceof MedicationAdministration m && candidate instanceof MedicationAdministration c) {
            return sameValue(m.getDosage().getDose(), c.getDosage().getDose());
        }
        return false;
    }

    private static boolean sameValue(Type sent, Type candidate) {
        if (sent == null || sent.isEmpty()) {
            return candidate == null || candidate.isEmpty();
        }
        if (candidate == null) {
            return false;
        }
        if (sent instanceof Quantity q && candidate instanceof Quantity c) {
            boolean sameUnit = q.hasCode() && c.hasCode() ? q.getCode().equals(c.getCode()) && q.getSystem() != null
                    && q.getSystem().equals(c.getSystem()) : q.getUnit() != null && q.getUnit().equals(c.getUnit());
            return q.hasValue() && c.hasValue() && q.getValue().compareTo(c.getValue()) == 0 && sameUnit;
        }
        if (sent instanceof CodeableConcept s && candidate instanceof CodeableConcept c) {
            return shareACoding(s, c);
        }
        return sent.equalsDeep(candidate);
    }

    private static boolean sameInstant(BaseDateTimeType sent, BaseDateTimeType candidate) {
        boolean mine = sent != null && sent.getValue() != null;
        boolean theirs = candidate != null && candidate.getValue() != null;
        return mine == theirs && (!mine || toSecond(sent).equals(toSecond(candidate)));
    }

    private static boolean shareACoding(CodeableConcept a, CodeableConcept b) {
        return a.getCoding().stream().anyMatch(x -> x.hasSystem() && x.hasCode() && b.getCoding().stream()
                .anyMatch(y -> x.getSystem().equals(y.getSystem()) && x.getCode().equals(y.getCode())));
    }

    /** {@code Patient/123}, whatever base the EHR wrote it with. */
    private static Optional<String> subject(Resource r) {
        Reference subject = r instanceof Observation o ? o.getSubject()
                : r instanceof Encounter e ? e.getSubject()
                : r instanceof MedicationAdministration m ? m.getSubject() : null;
        if (subject == null || !subject.hasReference()) {
            return Optional.empty();
        }
        var id = subject.getReferenceElement();
        return id.hasResourceType() && id.hasIdPart() ? Optional.of(id.getResourceType() + "/" + id.getIdPart())
                : Optional.of(subject.getReference());
    }

    /** When it happened: effective (a time, or a period's start); an encounter's period start. */
    private static Optional<BaseDateTimeType> time(Resource r) {
        Type effective = r instanceof Observation o ? o.getEffective()
                : r instanceof MedicationAdministration m ? m.getEffective()
                : r instanceof Encounter e && e.getPeriod().hasStart() ? e.getPeriod().getStartElement() : null;
        if (effective instanceof org.hl7.fhir.r4.model.Period p) {
            effective = p.getStartElement();
        }
        return effective instanceof BaseDateTimeType t && t.getValue() != null ? Optional.of(t) : Optional.empty();
    }

    private static Optional<CodeableConcept> code(Resource r) {
        if (r instanceof Observation o && o.hasCode()) {
            return Optional.of(o.getCode());
        }
        if (r instanceof MedicationAdministration m && m.hasMedicationCodeableConcept()) {
            return Optional.of(m.getMedicationCodeableConcept());
        }
        return Optional.empty();
    }

    private static Instant toSecond(BaseDateTimeType t) {
        return t.getValue().toInstant().truncatedTo(ChronoUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    private static List<Identifier> identifiers(Resource r) {
        try {
            return (List<Identifier>) r.getClass().getMethod("getIdentifier").invoke(r);
        } catch (ReflectiveOperationException | ClassCastException e) {
            return List.of();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
