package org.ketabridge.channel.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ketabridge.intake.FieldError;
import org.ketabridge.intake.InboundLine;
import org.ketabridge.intake.Rejection;
import org.ketabridge.record.RecordKind;

/** The records of one message, all of one kind, in message order (line n is the n-th record). */
public record Hl7Records(RecordKind kind, List<Hl7Record> records) {

    public List<InboundLine> lines() {
        return records.stream().map(Hl7Record::line).toList();
    }

    /**
     * A refused record's errors at their HL7 locations: what the reader could not read, or every
     * error of the contract's validators, each at the field it came from (a field the message does
     * not carry at all, at the record's anchor segment).
     */
    public List<Hl7FieldError> located(Rejection rejection) {
        Hl7Record record = records.get(rejection.line() - 1);
        if (!record.readErrors().isEmpty()) {
            return record.readErrors();
        }
        List<Hl7FieldError> located = new ArrayList<>();
        for (FieldError error : rejection.errors()) {
            Hl7Location at = record.sources().get(error.field());
            if (at == null) {
                at = record.sources().get(error.field().replaceAll("\\[\\d+]$", ""));
            }
            located.add(new Hl7FieldError(error.field(), at != null ? at : record.anchor(), codeOf(error.reason()), error.reason()));
        }
        return located;
    }

    public String recordName(Rejection rejection) {
        Hl7Record record = records.get(rejection.line() - 1);
        String id = rejection.recordId() != null ? rejection.recordId() : record.recordId();
        return id != null ? id : Integer.toString(rejection.line());
    }

    /** HL7 table 0357 for a validator's reason: missing (101), not one of the words (103), anything else a data type error (102). */
    static int codeOf(String reason) {
        if (reason.startsWith("required")) {
            return Hl7FieldError.REQUIRED_FIELD_MISSING;
        }
        if (reason.startsWith("must be one of")) {
            return Hl7FieldError.TABLE_VALUE_NOT_FOUND;
        }
        return Hl7FieldError.DATA_TYPE_ERROR;
    }
}
