package org.ketabridge.auditor.reports;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.ketabridge.mapping.Codes;

/**
 * The controlled-substance record of one clinic for a period, as 21 CFR 1304 and an auditor's
 * reconciliation ask: every ketamine and esketamine administration (date, patient, amount, lot,
 * who gave it, waste and its witness, and whether it was completed, stopped or not done), and
 * per medication and lot the amounts administered and wasted. Built from the FHIR the bridge
 * produced ({@link AdministrationRow#from}); given as a FHIR Parameters resource or as CSV.
 */
public record ControlledSubstanceLog(String clinic, LocalDate start, LocalDate end, List<AdministrationRow> rows) {

    public ControlledSubstanceLog {
        rows = rows.stream().sorted(Comparator.comparing(AdministrationRow::effective).thenComparing(AdministrationRow::doseId)).toList();
    }

    /** Totals per medication and lot, in order of medication then lot. */
    public List<LotTotal> lotTotals() {
        Map<String, LotTotal> totals = new LinkedHashMap<>();
        rows.stream().sorted(Comparator.comparing(AdministrationRow::medication).thenComparing(r -> r.lot() == null ? "" : r.lot()))
                // A dose not done, with no lot opened and nothing wasted, moved no stock.
                .filter(r -> r.lot() != null || r.wastedMg() != null)
                .forEach(r -> totals.merge(r.medication() + "|" + r.lot(), LotTotal.of(r), LotTotal::plus));
        return new ArrayList<>(totals.values());
    }

    public Parameters toParameters() {
        Parameters p = new Parameters();
        p.addParameter().setName("clinic").setValue(new StringType(clinic));
        p.addParameter().setName("start").setValue(new DateType(start.toString()));
        p.addParameter().setName("end").setValue(new DateType(end.toString()));
        for (AdministrationRow r : rows) {
            var row = p.addParameter().setName("administration");
            row.addPart().setName("effective").setValue(new DateTimeType(r.effective()));
            row.addPart().setName("dose").setValue(new Reference(r.doseReference()).setIdentifier(
                    new Identifier().setSystem(r.doseIdentifierSystem()).setValue(r.doseId())));
            row.addPart().setName("patient").setValue(new Reference(r.patientReference()).setIdentifier(
                    r.patientMrn() == null ? null : new Identifier().setSystem(r.patientMrnSystem()).setValue(r.patientMrn())));
            row.addPart().setName("medication").setValue(new Coding(r.medicationSystem(), r.medicationCode(), r.medication()));
            row.addPart().setName("status").setValue(new CodeType(r.status()));
            if (r.statusReason() != null) {
                row.addPart().setName("statusReason").setValue(new CodeType(r.statusReason()));
            }
            if (r.amountMg() != null) {
                row.addPart().setName("amount").setValue(mg(r.amountMg()));
            }
            if (r.lot() != null) {
                row.addPart().setName("lot").setValue(new StringType(r.lot()));
            }
            if (r.administeredByNpi() != null) {
                row.addPart().setName("administeredBy").setValue(new Identifier().setSystem(Codes.NPI).setValue(r.administeredByNpi()));
            }
            if (r.wastedMg() != null) {
                row.addPart().setName("wasted").setValue(mg(r.wastedMg()));
                row.addPart().setName("witnessed").setValue(new BooleanType(r.witnessNpi() != null));
            }
            if (r.witnessNpi() != null) {
                row.addPart().setName("witness").setValue(new Identifier().setSystem(Codes.NPI).setValue(r.witnessNpi()));
            }
        }
        for (LotTotal t : lotTotals()) {
            var total = p.addParameter().setName("lotTotal");
            total.addPart().setName("medication").setValue(new StringType(t.medication()));
            if (t.lot() != null) {
                total.addPart().setName("lot").setValue(new StringType(t.lot()));
            }
            total.addPart().setName("administrations").setValue(new IntegerType(t.administrations()));
            total.addPart().setName("administered").setValue(mg(t.administeredMg()));
            total.addPart().setName("wasted").setValue(mg(t.wastedMg()));
        }
        return p;
    }

    /**
     * For a spreadsheet: one line per administration, then an empty line and the totals per lot
     * (RFC 4180 quoting; amounts in mg; times as recorded, with their offset).
     */
    public String toCsv() {
        StringBuilder csv = new StringBuilder();
        CsvLines.line(csv, "clinic", "effective", "dose_id", "patient_mrn", "patient_reference", "medication", "status", "status_reason",
                "amount_mg", "lot", "administered_by_npi", "wasted_mg", "waste_witness_npi");
        for (AdministrationRow r : rows) {
            CsvLines.line(csv, clinic, r.effective(), r.doseId(), r.patientMrn(), r.patientReference(), r.medication(), r.status(),
                    r.statusReason(), plain(r.amountMg()), r.lot(), r.administeredByNpi(), plain(r.wastedMg()), r.witnessNpi());
        }
        csv.append("\r\n");
        CsvLines.line(csv, "clinic", "medication", "lot", "administrations", "administered_mg", "wasted_mg");
        for (LotTotal t : lotTotals()) {
            CsvLines.line(csv, clinic, t.medication(), t.lot(), String.valueOf(t.administrations()), plain(t.administeredMg()),
                    plain(t.wastedMg()));
        }
        return csv.toString();
    }

    private static Quantity mg(BigDecimal value) {
        return new Quantity().setValue(value).setUnit("mg").setSystem(Codes.UCUM).setCode("mg");
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros().toPlainString();
    }

    /** What was administered and wasted of one lot of one medication. */
    public record LotTotal(String medication, String lot, int administrations, BigDecimal administeredMg, BigDecimal wastedMg) {

        static LotTotal of(AdministrationRow r) {
            return new LotTotal(r.medication(), r.lot(), r.status().equals("not-done") ? 0 : 1, r.amountMg() == null ? BigDecimal.ZERO : r.amountMg(),
                    r.wastedMg() == null ? BigDecimal.ZERO : r.wastedMg());
        }

        LotTotal plus(LotTotal other) {
            return new LotTotal(medication, lot, administrations + other.administrations,
                    administeredMg.add(other.administeredMg), wastedMg.add(other.wastedMg));
        }
    }
}
