package org.ketabridge.auditor.reports;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.StringType;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;

/**
 * {@code GET /fhir/QuestionnaireResponse/$rems-forms?clinic=..&start=..&end=..} (dates inclusive, the
 * sessions' dates; {@code &output=csv} for a spreadsheet): every esketamine session's Spravato REMS
 * monitoring form of one clinic and period, complete or not, with the counts ({@link RemsFormReport}).
 * Filled on request from the bridge's latest stored records, not read from the store. The clinic must
 * be one the caller's token covers: any other is 404 before this runs ({@code AllowedInteractions},
 * {@code ClinicScope}), as for every auditor read; the access is audited like every /fhir request.
 */
public class RemsFormsProvider {

    private final RemsForms forms;
    private final ClinicRegistry clinics;

    public RemsFormsProvider(RemsForms forms, ClinicRegistry clinics) {
        this.forms = forms;
        this.clinics = clinics;
    }

    @Operation(name = "$rems-forms", type = QuestionnaireResponse.class, idempotent = true)
    public IBaseResource remsForms(
            @OperationParam(name = "clinic", min = 1, max = 1) StringType clinic,
            @OperationParam(name = "start", min = 1, max = 1) StringType start,
            @OperationParam(name = "end", min = 1, max = 1) StringType end,
            @OperationParam(name = "output", max = 1) StringType output) {
        Clinic named = clinics.find(clinic.getValue())
                .orElseThrow(() -> new ResourceNotFoundException("No clinic '" + clinic.getValue() + "' is configured"));
        RemsFormReport report;
        try {
            report = forms.of(named, ControlledSubstanceLogProvider.date("start", start), ControlledSubstanceLogProvider.date("end", end));
        } catch (IllegalArgumentException badPeriod) {
            throw new InvalidRequestException(badPeriod.getMessage());
        }
        if (output != null && "csv".equalsIgnoreCase(output.getValue())) {
            return ControlledSubstanceLogProvider.csv(report.toCsv());
        }
        return report.toBundle();
    }
}
