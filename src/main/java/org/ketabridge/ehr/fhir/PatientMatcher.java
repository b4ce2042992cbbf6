package org.ketabridge.ehr.fhir;

import java.time.Duration;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.MappedResource;

/**
 * The EHR's own patient (issue 13, strategy {@code match}): in an EHR whose front desk registers
 * patients, the bridge never creates or changes a Patient; it finds the one with the record's MRN,
 * {@code GET [base]/Patient?identifier=<ehr.patient-identifier-system>|<mrn>&_count=2}, and the
 * patient record is sent as {@code Patient/<the EHR's id>} (what the clinic's other records then
 * refer to). Exactly one: found. None: the record waits ({@link WriteResult#awaitingEhrPatient}) and
 * is looked for again after {@code ehr.patient-recheck}. Several: the EHR holds duplicates, an alarm
 * for clinic IT, never a guess. The MRN is in the request only, never in a message.
 */
final class PatientMatcher {

    private final ResourceSearch search;
    private final Optional<String> system;
    private final Duration recheck;

    PatientMatcher(ResourceSearch search, Optional<String> system, Duration recheck) {
        this.search = search;
        this.system = system;
        this.recheck = recheck;
    }

    /** The patient record's Patient as the EHR holds it ({@code Patient/id}), or why the record's write ends. */
    ResourceWrite match(MappedResource patient, WritePlan.TypePlan plan) {
        if (system.isEmpty()) {
            // Only a match the statement made: a configured one without the system does not start.
            return ResourceWrite.stop(WriteResult.awaitingEhrPatient("patients are matched in this EHR, not written ("
                    + (plan != null && plan.source() == WritePlan.Source.STATEMENT
                    ? "its CapabilityStatement declares no conditional update of Patient" : "ehr.resources.Patient: match")
                    + "), and ehr.patient-identifier-system is not set: set it to the identifier system (a URI) under which"
                    + " the EHR knows the clinic's MRNs. Nothing is sent until then; the record is tried again every "
                    + every(recheck)));
        }
        String under = system.get();
        ResourceSearch.Found found = search.search("Patient", under, patient.identifierValue());
        if (found.stop() != null) {
            return ResourceWrite.stop(found.stop());
        }
        if (found.count() > 1) {
            return ResourceWrite.stop(WriteResult.duplicates(found.count() + " patients in the EHR carry this MRN under " + under + ": merge them in the EHR, then replay this"
                    + " record (the bridge does not guess which one is the patient)",
                    new WriteResult.Duplicates("Patient", patient.placeholder())));
        }
        if (found.matches().isEmpty()) {
            return ResourceWrite.stop(WriteResult.awaitingEhrPatient("the EHR holds no patient with this MRN under " + under
                    + " yet: the bridge does not create patients in this EHR (its front desk registers them). It looks"
                    + " again every " + every(recheck) + " (ehr.patient-recheck); what refers to the patient waits for it"));
        }
        Resource match = found.matches().get(0);
        if (!match.getIdElement().hasIdPart()) {
            throw new EhrUnavailableException("EHR answered the search for a Patient by identifier with a Patient without id", null);
        }
        return ResourceWrite.at("Patient/" + match.getIdElement().getIdPart());
    }

    /** {@code 5 min}, {@code 90 s}. */
    private static String every(Duration d) {
        return d.toSecondsPart() == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
