package org.ketabridge.channel.hl7;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ketabridge.config.Clinic;
import org.ketabridge.mapping.Codes;
import org.ketabridge.mapping.Terminology;

/**
 * RAS^O17: one dose per ORDER group (an ORC and the RXA, RXR and OBX after it), with the message's
 * PID and PV1. An ORDER group with more than one RXA (the standard allows several ADMINISTRATION
 * groups) is refused at its second RXA: the contract has one administration per dose, and taking
 * only the first would answer AA for administrations the bridge never stored. Table 0162 routes and the RXA-20 completion status become the contract's words;
 * RXA-5 is the contract's word (system L) or an RxNorm code (RXN) the clinic's medication
 * ConceptMap maps back to one.
 */
final class DoseReader {

    private static final Map<String, String> ROUTES = Map.of(
            "IV", "IV", "IM", "IM", "NS", "intranasal", "PO", "oral", "SL", "sublingual");
    private static final Set<String> NUMBER_OBSERVATIONS = Set.of("weightKg", "doseMgPerKg", "rateMgPerKgPerHour", "wastedMg");
    private static final String WITNESS = "wasteWitnessNpi";

    private final Terminology terminology;

    DoseReader(Terminology terminology) {
        this.terminology = terminology;
    }

    List<Hl7Record> read(Hl7Segments segments, Clinic clinic) {
        List<Hl7Segments.Located> all = segments.all();
        Hl7Segments.Located pid = PatientReader.segmentOrAbsent(Hl7MessageReader.first(all, "PID"), "PID");
        Hl7Segments.Located pv1 = PatientReader.segmentOrAbsent(Hl7MessageReader.first(all, "PV1"), "PV1");
        List<Hl7Record> records = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).name().equals("ORC")) {
                continue;
            }
            int end = i + 1;
            while (end < all.size() && !all.get(end).name().equals("ORC")) {
                end++;
            }
            records.add(dose(records.size() + 1, pid, pv1, all.get(i), all.subList(i + 1, end), clinic));
        }
        if (records.isEmpty()) {
            throw new Hl7Refusal(Hl7Refusal.SEGMENT_SEQUENCE_ERROR, new Hl7Location("ORC", 0, 0, 0, 0),
                    "a RAS^O17 carries one dose per ORDER group (ORC, RXA, RXR): no ORC found");
        }
        return records;
    }

    private Hl7Record dose(int line, Hl7Segments.Located pid, Hl7Segments.Located pv1, Hl7Segments.Located orc,
                           List<Hl7Segments.Located> order, Clinic clinic) {
        Hl7Segments.Located rxa = PatientReader.segmentOrAbsent(Hl7MessageReader.first(order, "RXA"), "RXA");
        Hl7Segments.Located rxr = PatientReader.segmentOrAbsent(Hl7MessageReader.first(order, "RXR"), "RXR");
        Hl7RecordBuilder record = new Hl7RecordBuilder(orc.at());
        record.text("doseId", orc.field(3).component(1), orc.value(3, 1));
        oneAdministration(record, order);
        PatientReader.mrn(record, "patientMrn", pid);
        record.text("encounterId", pv1.field(19).component(1), pv1.value(19, 1));
        record.dateTime("start", rxa.field(3), rxa.value(3, 1));
        record.dateTime("end", rxa.field(4), rxa.value(4, 1));
        medication(record, rxa, clinic);
        amount(record, rxa);
        administeredBy(record, rxa);
        record.text("lotNumber", rxa.field(15), rxa.value(15, 1));
        String reason = rxa.value(18, 1);
        record.text("statusReason", rxa.field(18).component(1), reason);
        status(record, rxa, reason != null);
        action(record, rxa);
        route(record, rxr);
        observations(record, order);
        return record.build(line, "doseId");
    }

    private static void oneAdministration(Hl7RecordBuilder record, List<Hl7Segments.Located> order) {
        order.stream().filter(segment -> segment.name().equals("RXA")).skip(1).findFirst().ifPresent(second ->
                record.error("(administration)", second.at(), Hl7Refusal.SEGMENT_SEQUENCE_ERROR,
                        "an ORDER group carries one administration (RXA): send each dose in an ORDER group (ORC) of its own"));
    }

    private void medication(Hl7RecordBuilder record, Hl7Segments.Located rxa, Clinic clinic) {
        Hl7Location at = rxa.field(5);
        String code = rxa.value(5, 1);
        if (code == null) {
            record.source("medication", at.component(1));
            return;
        }
        for (int first : new int[] {1, 4}) {
            String value = rxa.value(5, first);
            String system = rxa.value(5, first + 2);
            if (value == null) {
                continue;
            }
            if ("L".equals(system)) {
                record.text("medication", at.component(first), value);
                return;
            }
            if ("RXN".equals(system)) {
                Optional<String> word = terminology.sourceOf(clinic, "medication", Codes.RXNORM, value);
                if (word.isPresent()) {
                    record.text("medication", at.component(first), word.get());
                } else {
                    record.error("medication", at.component(first), Hl7FieldError.TABLE_VALUE_NOT_FOUND,
                            "an RxNorm code the clinic's medication ConceptMap does not map to ketamine or esketamine");
                }
                return;
            }
        }
        record.error("medication", at.component(3), Hl7FieldError.TABLE_VALUE_NOT_FOUND,
                "must be ketamine or esketamine with coding system L, or an RxNorm code with coding system RXN");
    }

    /** RXA-6 in RXA-7 mg; 0 is the HL7 way of writing "nothing given" (no doseMg in the contract). */
    private static void amount(Hl7RecordBuilder record, Hl7Segments.Located rxa) {
        String amount = rxa.value(6, 1);
        BigDecimal number = amount == null ? null : Hl7RecordBuilder.decimal(amount);
        if (number != null && number.signum() == 0) {
            record.source("doseMg", rxa.field(6));
            return;
        }
        record.number("doseMg", rxa.field(6), amount);
        if (amount != null && !"mg".equals(rxa.value(7, 1))) {
            record.error("doseMg", rxa.field(7).component(1), Hl7FieldError.TABLE_VALUE_NOT_FOUND, "RXA-7 must be mg");
        }
    }

    /** RXA-10: the repetition whose assigning authority (XCN-9) is NPI; others are not the contract's. */
    private static void administeredBy(Hl7RecordBuilder record, Hl7Segments.Located rxa) {
        for (int rep = 1; rep <= rxa.repetitions(10); rep++) {
            if ("NPI".equals(rxa.value(10, rep, 9))) {
                record.text("administeredByNpi", rxa.field(10).repetition(rep).component(1), rxa.value(10, rep, 1));
                return;
            }
        }
        record.source("administeredByNpi", rxa.field(10).component(1));
    }

    private static void status(Hl7RecordBuilder record, Hl7Segments.Located rxa, boolean hasReason) {
        String code = rxa.value(20, 1);
        Hl7Location at = rxa.field(20);
        if (code == null) {
            record.source("status", at);
            return;
        }
        switch (code) {
            case "CP" -> record.text("status", at, "completed");
            case "NA" -> record.text("status", at, "not-done");
            case "PA" -> record.text("status", at, hasReason ? "stopped" : "in-progress");
            default -> record.error("status", at, Hl7FieldError.TABLE_VALUE_NOT_FOUND,
                    "must be CP (completed), NA (not given) or PA (partially given) (table 0322)");
        }
    }

    /** RXA-21: add and update are the same to the bridge (a record id names the record); nothing else is taken. */
    private static void action(Hl7RecordBuilder record, Hl7Segments.Located rxa) {
        String code = rxa.value(21, 1);
        if (code != null && !code.equals("A") && !code.equals("U")) {
            record.error("(action)", rxa.field(21), Hl7FieldError.TABLE_VALUE_NOT_FOUND, "D".equals(code)
                    ? "D (delete) is not supported: a record sent cannot be deleted through the bridge"
                    : "must be A (add) or U (update) (table 0323)");
        }
    }

    private static void route(Hl7RecordBuilder record, Hl7Segments.Located rxr) {
        String code = rxr.value(1, 1);
        Hl7Location at = rxr.field(1).component(1);
        if (code == null) {
            record.source("route", at);
        } else if (ROUTES.containsKey(code)) {
            record.text("route", at, ROUTES.get(code));
        } else {
            record.error("route", at, Hl7FieldError.TABLE_VALUE_NOT_FOUND, "must be IV, IM, NS, PO or SL (table 0162)");
        }
    }

    /** OBX with a local code (system L) naming one of the contract's dose fields; other OBX are not the contract's. */
    private static void observations(Hl7RecordBuilder record, List<Hl7Segments.Located> order) {
        Set<String> seen = new HashSet<>();
        for (Hl7Segments.Located obx : order) {
            if (!obx.name().equals("OBX") || !"L".equals(obx.value(3, 3))) {
                continue;
            }
            String field = obx.value(3, 1);
            boolean number = NUMBER_OBSERVATIONS.contains(field);
            if (!number && !WITNESS.equals(field)) {
                continue;
            }
            Hl7Location at = obx.field(5);
            if (!seen.add(field)) {
                record.error(field, obx.field(3).component(1), Hl7FieldError.DATA_TYPE_ERROR, "given in more than one OBX");
            } else if (number) {
                record.number(field, at, obx.value(5, 1));
            } else {
                record.text(field, at, obx.value(5, 1));
            }
        }
        for (String field : List.of("weightKg", "doseMgPerKg", "rateMgPerKgPerHour", "wastedMg", WITNESS)) {
            if (!seen.contains(field)) {
                record.source(field, new Hl7Location("OBX", 0, 3, 1, 1));
            }
        }
    }
}
