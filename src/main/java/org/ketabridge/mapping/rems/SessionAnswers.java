package org.ketabridge.mapping.rems;

import java.math.BigDecimal;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.ketabridge.mapping.Terminology;

/**
 * The answer to each item of the form for one session, by linkId (the Questionnaire's), or why
 * there is none. An item absent from the answers is not asked (dose-other-mg unless the dose is
 * "other"). Codes and displays from fhir-mapping/.
 */
final class SessionAnswers {

    static final int MINIMUM_MONITORING_MINUTES = 120;
    private static final BigDecimal MG_56 = BigDecimal.valueOf(56);
    private static final BigDecimal MG_84 = BigDecimal.valueOf(84);
    /** FHIR's dateTime wants the seconds that OffsetDateTime.toString drops when they are 0. */
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private final Terminology terms;

    SessionAnswers(Terminology terms) {
        this.terms = terms;
    }

    Map<String, ItemFill> of(RemsSession session) {
        SessionTimes times = SessionTimes.of(session);
        Map<String, ItemFill> fills = new HashMap<>();
        fills.put("patient", ItemFill.answered(new Reference(session.patientReference())));
        fills.put("concomitant-medications",
                list(session.concomitantMedications(), "medication-class", UnfilledReason.MEDICATIONS_NOT_RECORDED));
        fills.put("session-date", ItemFill.answered(new DateType(session.start().toLocalDate().toString())));
        dose(times, fills);
        fills.put("lot", lots(times));
        fills.put("monitoring-minutes", monitoring(times));
        fills.put("ready-to-leave-minutes", session.readyToLeaveMinutes() == null
                ? ItemFill.unfilled(UnfilledReason.READY_TO_LEAVE_NOT_RECORDED)
                : ItemFill.answered(new IntegerType(session.readyToLeaveMinutes())));
        fills.put("vitals-acceptable-before-dose", ItemFill.unfilled(UnfilledReason.CLINICIAN_ATTESTATION));
        fills.put("vitals-acceptable-before-end", ItemFill.unfilled(UnfilledReason.CLINICIAN_ATTESTATION));
        bloodPressures(session, times, fills);
        fills.put("adverse-events", list(session.adverseEvents(), "adverse-event", UnfilledReason.EVENTS_NOT_RECORDED));
        return fills;
    }

    private void dose(SessionTimes times, Map<String, ItemFill> fills) {
        if (times.given().isEmpty()) {
            fills.put("dose", ItemFill.unfilled(UnfilledReason.NO_DOSE));
            return;
        }
        BigDecimal total = times.totalMg();
        String code = total.compareTo(MG_56) == 0 ? "56mg" : total.compareTo(MG_84) == 0 ? "84mg" : "other";
        fills.put("dose", ItemFill.answered(terms.local("rems-dose", code)));
        if (code.equals("other")) {
            fills.put("dose-other-mg", ItemFill.answered(new DecimalType(total.stripTrailingZeros())));
        }
    }

    /** Each lot once, in the order the doses were given; a given dose without one makes the item incomplete. */
    private static ItemFill lots(SessionTimes times) {
        if (times.given().isEmpty()) {
            return ItemFill.unfilled(UnfilledReason.NO_DOSE);
        }
        Set<String> lots = new LinkedHashSet<>();
        boolean missing = false;
        for (RemsSession.Dose dose : times.given()) {
            if (dose.lotNumber() == null || dose.lotNumber().isBlank()) {
                missing = true;
            } else {
                lots.add(dose.lotNumber());
            }
        }
        List<Type> answers = lots.stream().<Type>map(StringType::new).toList();
        return missing ? ItemFill.partly(answers, UnfilledReason.NO_LOT) : ItemFill.answered(answers);
    }

    private static ItemFill monitoring(SessionTimes times) {
        if (times.first().isEmpty()) {
            return ItemFill.unfilled(UnfilledReason.NO_DOSE);
        }
        Optional<Long> minutes = times.monitoringMinutes();
        if (minutes.isEmpty()) {
            return ItemFill.unfilled(UnfilledReason.NO_END_OF_MONITORING);
        }
        if (minutes.get() < MINIMUM_MONITORING_MINUTES) {
            // Not an answer the form accepts (and the Questionnaire's minValue refuses): a person must act on it.
            return ItemFill.unfilled(UnfilledReason.MONITORING_UNDER_120_MINUTES,
                    "Monitoring under 120 minutes: " + minutes.get() + " minutes from the first device to the end of monitoring");
        }
        return ItemFill.answered(new IntegerType(minutes.get().intValue()));
    }

    private static void bloodPressures(RemsSession session, SessionTimes times, Map<String, ItemFill> fills) {
        if (times.first().isEmpty()) {
            for (String item : List.of("bp-before-dose", "bp-40-minutes", "bp-before-end")) {
                fills.put(item, ItemFill.unfilled(UnfilledReason.NO_DOSE));
            }
            return;
        }
        var first = times.firstDevice();
        BloodPressureReadings readings = new BloodPressureReadings(session.vitals());
        fills.put("bp-before-dose", reading("bp-before-dose", readings.beforeDose(first), UnfilledReason.NO_BLOOD_PRESSURE_BEFORE_DOSE));
        fills.put("bp-40-minutes", reading("bp-40-minutes", readings.near40Minutes(first), UnfilledReason.NO_BLOOD_PRESSURE_NEAR_40_MINUTES));
        fills.put("bp-before-end", times.end().isEmpty() ? ItemFill.unfilled(UnfilledReason.NO_END_OF_MONITORING)
                : reading("bp-before-end", readings.beforeEnd(first, times.endOfMonitoring()), UnfilledReason.NO_BLOOD_PRESSURE_BEFORE_END));
    }

    private static ItemFill reading(String group, Optional<RemsSession.VitalSet> set, UnfilledReason whenNone) {
        return set.map(s -> ItemFill.group(Map.of(
                        group + ".time", ItemFill.answered(new DateTimeType(SECONDS.format(s.at()))),
                        group + ".systolic", ItemFill.answered(new IntegerType(s.systolic())),
                        group + ".diastolic", ItemFill.answered(new IntegerType(s.diastolic())))))
                .orElse(ItemFill.unfilled(whenNone));
    }

    /** A contract 1.1 list: not sent is not recorded; empty is the answer none; else one coding per value. */
    private ItemFill list(List<String> values, String vocabulary, UnfilledReason whenNotRecorded) {
        if (values == null) {
            return ItemFill.unfilled(whenNotRecorded);
        }
        if (values.isEmpty()) {
            return ItemFill.answered(terms.local("session-observation", "none"));
        }
        List<Type> answers = new ArrayList<>();
        for (String value : values) {
            Coding coding = terms.local(vocabulary, value);
            answers.add(coding);
        }
        return ItemFill.answered(answers);
    }
}
