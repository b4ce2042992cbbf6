package org.ketabridge.auditor.reports;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.partition.IRequestPartitionHelperSvc;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.StringType;
import org.ketabridge.auditor.scope.ClinicScope;

/**
 * {@code GET /fhir/MedicationAdministration/$controlled-substance-log?clinic=..&start=..&end=..}
 * (dates inclusive; {@code &output=csv} for a spreadsheet): the controlled-substance record of
 * one clinic for a period ({@link ControlledSubstanceLog}). The clinic must be one the caller's
 * token covers; any other is answered 404, as a clinic that does not exist, never with an empty
 * log that would read as "nothing administered there" ({@link ClinicScope}).
 */
public class ControlledSubstanceLogProvider {

    private final DaoRegistry daos;
    private final IRequestPartitionHelperSvc scope;

    public ControlledSubstanceLogProvider(DaoRegistry daos, IRequestPartitionHelperSvc scope) {
        this.daos = daos;
        this.scope = scope;
    }

    @Operation(name = "$controlled-substance-log", type = MedicationAdministration.class, idempotent = true)
    public IBaseResource controlledSubstanceLog(
            @OperationParam(name = "clinic", min = 1, max = 1) StringType clinic,
            @OperationParam(name = "start", min = 1, max = 1) StringType start,
            @OperationParam(name = "end", min = 1, max = 1) StringType end,
            @OperationParam(name = "output", max = 1) StringType output,
            RequestDetails request) {
        LocalDate from = date("start", start);
        LocalDate to = date("end", end);
        if (to.isBefore(from)) {
            throw new InvalidRequestException("end (" + to + ") is before start (" + from + ")");
        }
        // The clinic parameter narrows the caller's scope to that clinic (a clinic out of scope: 404, ClinicScope).
        // Read as the bridge, within exactly the partitions this caller may see of that clinic.
        StoreSearch within = new DaoStoreSearch(daos, SystemRequestDetails.forRequestPartitionId(
                scope.determineReadPartitionForRequestForSearchType(request, "MedicationAdministration")));
        ControlledSubstanceLog log;
        try {
            log = ControlledSubstanceLogs.read(within, clinic.getValue(), from, to);
        } catch (StoreSearch.TooManyResults tooMany) {
            throw new InvalidRequestException("More than " + ControlledSubstanceLogs.MAX_ROWS
                    + " administrations in this period: ask for a shorter one");
        }
        if (output != null && "csv".equalsIgnoreCase(output.getValue())) {
            return csv(log.toCsv());
        }
        return log.toParameters();
    }

    /** A report as CSV for a spreadsheet: HAPI answers a Binary with its content type and its bytes as they are. */
    static Binary csv(String text) {
        Binary csv = new Binary();
        csv.setContentType("text/csv");
        csv.setContent(text.getBytes(StandardCharsets.UTF_8));
        return csv;
    }

    static LocalDate date(String name, StringType value) {
        try {
            return LocalDate.parse(value.getValue());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidRequestException(name + " must be a date (YYYY-MM-DD)");
        }
    }
}
