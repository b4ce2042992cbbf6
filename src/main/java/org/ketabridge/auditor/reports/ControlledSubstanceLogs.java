package org.ketabridge.auditor.reports;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Patient;

/**
 * The controlled-substance record of one clinic and period (dates inclusive), read from the
 * auditors' store: what {@code $controlled-substance-log} answers and the console shows, from
 * one reading. One clinic's month is thousands of administrations at most; a period beyond
 * {@link #MAX_ROWS} is refused, never cut short.
 */
public final class ControlledSubstanceLogs {

    public static final int MAX_ROWS = 50_000;

    private ControlledSubstanceLogs() {
    }

    public static ControlledSubstanceLog read(StoreSearch within, String clinic, LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("end (" + to + ") is before start (" + from + ")");
        }
        SearchParameterMap search = SearchParameterMap.newSynchronous();
        search.add(MedicationAdministration.SP_EFFECTIVE_TIME, new DateRangeParam(
                new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, from.toString()),
                new DateParam(ParamPrefixEnum.LESSTHAN, to.plusDays(1).toString())));
        List<MedicationAdministration> found = within.search(MedicationAdministration.class, search, MAX_ROWS);
        Map<String, Optional<Patient>> patients = new HashMap<>();
        List<AdministrationRow> rows = found.stream()
                .map(ma -> AdministrationRow.from(ma, patients.computeIfAbsent(ma.getSubject().getReference(),
                        ref -> within.read(Patient.class, ref)).orElse(null)))
                .toList();
        return new ControlledSubstanceLog(clinic, from, to, rows);
    }
}
