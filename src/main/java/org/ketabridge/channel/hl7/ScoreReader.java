package org.ketabridge.channel.hl7;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.ketabridge.config.Clinic;
import org.ketabridge.intake.ScoreInstrument;
import org.ketabridge.mapping.Terminology;

/**
 * ORU^R01: one score per OBR (OBR-3 id, OBR-4 instrument, OBR-7 effective) with the OBX after it:
 * the total (the instrument's LOINC code, system LN, where it has one, else its name, system L),
 * items ({instrument}-item, OBX-4 the item number) and timing. The contract names no vital signs
 * over HL7 v2: an OBR whose OBR-4 is not an instrument is refused at OBR-4.
 */
final class ScoreReader {

    private static final String LOINC = "http://loinc.org";

    private final Terminology terminology;

    ScoreReader(Terminology terminology) {
        this.terminology = terminology;
    }

    List<Hl7Record> read(Hl7Segments segments, Clinic clinic) {
        List<Hl7Segments.Located> all = segments.all();
        List<Hl7Record> records = new ArrayList<>();
        Hl7Segments.Located pid = Hl7Segments.Located.absent("PID");
        Hl7Segments.Located pv1 = Hl7Segments.Located.absent("PV1");
        for (int i = 0; i < all.size(); i++) {
            Hl7Segments.Located segment = all.get(i);
            switch (segment.name()) {
                case "PID" -> {
                    pid = segment;
                    pv1 = Hl7Segments.Located.absent("PV1");
                }
                case "PV1" -> pv1 = segment;
                case "OBR" -> {
                    int end = i + 1;
                    while (end < all.size() && !List.of("OBR", "PID").contains(all.get(end).name())) {
                        end++;
                    }
                    records.add(score(records.size() + 1, pid, pv1, segment, all.subList(i + 1, end), clinic));
                }
                default -> { }
            }
        }
        if (records.isEmpty()) {
            throw new Hl7Refusal(Hl7Refusal.SEGMENT_SEQUENCE_ERROR, new Hl7Location("OBR", 0, 0, 0, 0),
                    "an ORU^R01 carries one score per OBR: no OBR found");
        }
        return records;
    }

    private Hl7Record score(int line, Hl7Segments.Located pid, Hl7Segments.Located pv1, Hl7Segments.Located obr,
                            List<Hl7Segments.Located> results, Clinic clinic) {
        Hl7RecordBuilder record = new Hl7RecordBuilder(obr.at());
        record.text("scoreId", obr.field(3).component(1), obr.value(3, 1));
        PatientReader.mrn(record, "patientMrn", pid);
        record.text("encounterId", pv1.field(19).component(1), pv1.value(19, 1));
        record.dateTime("effective", obr.field(7), obr.value(7, 1));
        // Where total and timing are reported when the message carries no OBX for them.
        record.source("total", new Hl7Location("OBX", 0, 5, 1, 0));
        record.source("timing", new Hl7Location("OBX", 0, 5, 1, 0));
        String code = obr.value(4, 1);
        Optional<ScoreInstrument> instrument = code == null ? Optional.empty() : ScoreInstrument.fromCode(code);
        if (code == null) {
            record.source("instrument", obr.field(4).component(1));
        } else if (instrument.isEmpty()) {
            record.error("instrument", obr.field(4).component(1), Hl7FieldError.TABLE_VALUE_NOT_FOUND,
                    "must name an instrument (" + String.join(", ", ScoreInstrument.codes().stream().sorted().toList())
                            + "): an ORU^R01 carries scores only");
        } else {
            record.text("instrument", obr.field(4).component(1), code);
            results(record, instrument.get(), results, clinic);
        }
        return record.build(line, "scoreId");
    }

    private void results(Hl7RecordBuilder record, ScoreInstrument instrument, List<Hl7Segments.Located> results, Clinic clinic) {
        List<String> loinc = terminology.translate(clinic, "score-code", instrument.code()).stream()
                .filter(c -> LOINC.equals(c.getSystem())).map(c -> c.getCode()).toList();
        Map<Integer, Hl7Segments.Located> items = new TreeMap<>();
        Hl7Segments.Located total = null;
        Hl7Segments.Located timing = null;
        for (Hl7Segments.Located obx : results) {
            if (!obx.name().equals("OBX")) {
                continue;
            }
            String code = obx.value(3, 1);
            String system = obx.value(3, 3);
            boolean isTotal = (instrument.code().equals(code) && "L".equals(system)) || ("LN".equals(system) && loinc.contains(code));
            boolean isItem = (instrument.code() + "-item").equals(code);
            boolean isTiming = "timing".equals(code) && "L".equals(system);
            if (!isTotal && !isItem && !isTiming) {
                continue; // not named by the contract
            }
            resultStatus(record, obx);
            if (isTotal) {
                total = once(record, "total", total, obx);
            } else if (isTiming) {
                timing = once(record, "timing", timing, obx);
            } else {
                item(record, items, obx);
            }
        }
        if (total != null) {
            record.number("total", total.field(5), total.value(5, 1));
        }
        if (timing != null) {
            record.text("timing", timing.field(5), timing.value(5, 1));
        }
        if (!items.isEmpty()) {
            writeItems(record, items);
        }
    }

    private static Hl7Segments.Located once(Hl7RecordBuilder record, String field, Hl7Segments.Located before, Hl7Segments.Located obx) {
        if (before != null) {
            record.error(field, obx.field(3).component(1), Hl7FieldError.DATA_TYPE_ERROR, "given in more than one OBX");
        }
        return before != null ? before : obx;
    }

    /** OBX-11: a final or corrected result; a preliminary or deleted one is not a score of the contract. */
    private static void resultStatus(Hl7RecordBuilder record, Hl7Segments.Located obx) {
        String status = obx.value(11, 1);
        if (!"F".equals(status) && !"C".equals(status)) {
            record.error("(result status)", obx.field(11), status == null ? Hl7FieldError.REQUIRED_FIELD_MISSING
                    : Hl7FieldError.TABLE_VALUE_NOT_FOUND, "must be F (final) or C (corrected)");
        }
    }

    private static void item(Hl7RecordBuilder record, Map<Integer, Hl7Segments.Located> items, Hl7Segments.Located obx) {
        String subId = obx.value(4, 1);
        BigDecimal number = subId == null ? null : Hl7RecordBuilder.decimal(subId);
        if (number == null || number.signum() <= 0 || number.stripTrailingZeros().scale() > 0 || number.compareTo(BigDecimal.valueOf(100)) > 0) {
            record.error("items", obx.field(4), subId == null ? Hl7FieldError.REQUIRED_FIELD_MISSING : Hl7FieldError.DATA_TYPE_ERROR,
                    "OBX-4 must be the item number, from 1");
        } else if (items.putIfAbsent(number.intValueExact(), obx) != null) {
            record.error("items", obx.field(4), Hl7FieldError.DATA_TYPE_ERROR, "item number given in more than one OBX");
        }
    }

    /** Items 1 to n in order; a gap is refused at the OBX after it (the contract's list has no holes). */
    private static void writeItems(Hl7RecordBuilder record, Map<Integer, Hl7Segments.Located> items) {
        ArrayNode list = record.json().putArray("items");
        int expected = 1;
        for (Map.Entry<Integer, Hl7Segments.Located> item : items.entrySet()) {
            Hl7Segments.Located obx = item.getValue();
            if (item.getKey() != expected) {
                record.error("items", obx.field(4), Hl7FieldError.DATA_TYPE_ERROR, "item numbers must run from 1 without a gap");
                return;
            }
            String value = obx.value(5, 1);
            BigDecimal number = value == null ? null : Hl7RecordBuilder.decimal(value);
            if (number != null) {
                list.add(number);
            } else if (value != null) {
                list.add(value);
            } else {
                list.addNull();
            }
            record.source("items[" + (expected - 1) + "]", obx.field(5));
            expected++;
        }
        record.source("items", items.values().iterator().next().field(3));
    }
}
