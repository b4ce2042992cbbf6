package org.ketabridge.channel.hl7;

import java.util.List;
import java.util.Map;

/** ADT^A04 and ADT^A08: one patient from PID (PID-3 MR, PID-5, PID-7, PID-8). */
final class PatientReader {

    private static final Map<String, String> SEXES = Map.of("F", "female", "M", "male", "O", "other", "U", "unknown");

    private PatientReader() {
    }

    static List<Hl7Record> read(Hl7Segments segments) {
        Hl7Segments.Located pid = segmentOrAbsent(Hl7MessageReader.first(segments.all(), "PID"), "PID");
        Hl7RecordBuilder record = new Hl7RecordBuilder(pid.at());
        mrn(record, "mrn", pid);
        record.text("familyName", pid.field(5).component(1), pid.value(5, 1));
        record.text("givenName", pid.field(5).component(2), pid.value(5, 2));
        record.date("birthDate", pid.field(7), pid.value(7, 1));
        String sex = pid.value(8, 1);
        if (sex == null) {
            record.source("sex", pid.field(8));
        } else if (SEXES.containsKey(sex)) {
            record.text("sex", pid.field(8), SEXES.get(sex));
        } else {
            record.error("sex", pid.field(8), Hl7FieldError.TABLE_VALUE_NOT_FOUND, "must be F, M, O or U (table 0001)");
        }
        return List.of(record.build(1, "mrn"));
    }

    /** PID-3's first repetition of identifier type MR. */
    static void mrn(Hl7RecordBuilder record, String field, Hl7Segments.Located pid) {
        for (int rep = 1; rep <= pid.repetitions(3); rep++) {
            if ("MR".equals(pid.value(3, rep, 5))) {
                record.text(field, pid.field(3).repetition(rep).component(1), pid.value(3, rep, 1));
                return;
            }
        }
        record.source(field, pid.field(3).component(1));
    }

    /** A segment the message lacks still has a name to point at (sequence empty in ERR-2). */
    static Hl7Segments.Located segmentOrAbsent(Hl7Segments.Located found, String name) {
        return found != null ? found : Hl7Segments.Located.absent(name);
    }
}
