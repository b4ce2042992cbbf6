package org.ketabridge.channel.csv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.ketabridge.intake.StreamedIntake.PartOf;

/**
 * What a dropped file holds, by its name ({@code patients*.csv}, {@code encounters*.csv},
 * {@code vitals*.csv}, {@code doses*.csv}, {@code scores*.csv}), and the columns of each: the
 * contract's field names, typed as the JSON of the same record would be. Declared in the order
 * the files of one drop are taken: a record before the records that refer to it.
 */
enum CsvFileKind {

    PATIENTS("patients", PartOf.PATIENTS, List.of("mrn", "familyName", "birthDate"),
            text("mrn", "familyName", "givenName", "birthDate", "sex")),
    ENCOUNTERS("encounters", PartOf.ENCOUNTERS, List.of("encounterId", "patientMrn", "status", "start", "modality"),
            with(text("encounterId", "patientMrn", "status", "start", "end", "modality", "indication", "seriesId",
                            "practitionerNpi", "location"),
                    Map.of("sessionNumber", Cell.NUMBER, "monitoringMinutes", Cell.NUMBER, "readyToLeaveMinutes", Cell.NUMBER,
                            "concomitantMedications", Cell.TEXT_LIST, "adverseEvents", Cell.TEXT_LIST))),
    VITALS("vitals", PartOf.VITALS, List.of("encounterId", "patientMrn", "at"),
            with(text("encounterId", "patientMrn", "at"),
                    Map.of("systolic", Cell.NUMBER, "diastolic", Cell.NUMBER, "heartRate", Cell.NUMBER,
                            "respiratoryRate", Cell.NUMBER, "spo2", Cell.NUMBER, "sedation", Cell.NUMBER))),
    DOSES("doses", PartOf.DOSES, List.of("doseId", "encounterId", "patientMrn", "medication", "route", "status", "start"),
            with(text("doseId", "encounterId", "patientMrn", "medication", "route", "status", "statusReason", "start",
                            "end", "lotNumber", "wasteWitnessNpi", "administeredByNpi"),
                    Map.of("doseMg", Cell.NUMBER, "weightKg", Cell.NUMBER, "doseMgPerKg", Cell.NUMBER,
                            "rateMgPerKgPerHour", Cell.NUMBER, "wastedMg", Cell.NUMBER))),
    SCORES("scores", PartOf.SCORES, List.of("scoreId", "patientMrn", "instrument", "effective"),
            with(text("scoreId", "patientMrn", "encounterId", "instrument", "effective", "timing"),
                    Map.of("total", Cell.NUMBER, "items", Cell.NUMBER_LIST)));

    /** How a cell becomes the JSON value of its field. */
    enum Cell { TEXT, NUMBER, TEXT_LIST, NUMBER_LIST }

    private final String prefix;
    private final PartOf partOf;
    private final List<String> requiredColumns;
    private final Map<String, Cell> columns;

    CsvFileKind(String prefix, PartOf partOf, List<String> requiredColumns, Map<String, Cell> columns) {
        this.prefix = prefix;
        this.partOf = partOf;
        this.requiredColumns = requiredColumns;
        this.columns = columns;
    }

    /** The kind a file's name says, if any ({@code doses-2026-11-03.csv}: doses). */
    static Optional<CsvFileKind> ofFileName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        for (CsvFileKind kind : values()) {
            if (name.startsWith(kind.prefix) && name.endsWith(".csv")) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    PartOf partOf() { return partOf; }

    /** Columns of fields a record of this kind always has (a field required only sometimes is checked per row). */
    List<String> requiredColumns() { return requiredColumns; }

    /** How a column's cells are read; null for a column the contract does not know (ignored, as unknown JSON fields). */
    Cell cell(String column) { return columns.get(column); }

    static String expectedNames() {
        return "patients*.csv, encounters*.csv, vitals*.csv, doses*.csv or scores*.csv";
    }

    private static Map<String, Cell> text(String... names) {
        Map<String, Cell> m = new LinkedHashMap<>();
        for (String name : names) {
            m.put(name, Cell.TEXT);
        }
        return m;
    }

    private static Map<String, Cell> with(Map<String, Cell> text, Map<String, Cell> typed) {
        Map<String, Cell> m = new LinkedHashMap<>(text);
        m.putAll(typed);
        return m;
    }
}
