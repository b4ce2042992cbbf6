package org.ketabridge.auditor.reports;

import java.math.BigDecimal;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration.MedicationAdministrationPerformerComponent;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.mapping.Codes;
import org.ketabridge.record.RecordKind;

/**
 * One line of the controlled-substance record, read back from the MedicationAdministration the
 * bridge produced (the contained Medication's lot, the wasted-amount extension, the performer
 * and witness by NPI) and the patient's MRN: by the urls the mappers write ({@link Codes}).
 */
public record AdministrationRow(
        String effective,
        String doseReference,
        String doseIdentifierSystem,
        String doseId,
        String patientReference,
        String patientMrnSystem,
        String patientMrn,
        String medication,
        String medicationSystem,
        String medicationCode,
        String status,
        String statusReason,
        BigDecimal amountMg,
        String lot,
        String administeredByNpi,
        BigDecimal wastedMg,
        String witnessNpi) {

    public static AdministrationRow from(MedicationAdministration ma, Patient patient) {
        Medication medication = contained(ma);
        Coding word = coding(medication, Codes.CONTRACT_MEDICATION);
        Coding rxnorm = coding(medication, Codes.RXNORM);
        Identifier dose = ma.getIdentifierFirstRep();
        String mrnSystemEnd = "/" + RecordKind.PATIENT.identifierSuffix();
        Identifier mrn = patient == null ? null : patient.getIdentifier().stream()
                .filter(i -> i.getSystem() != null && i.getSystem().endsWith(mrnSystemEnd)).findFirst().orElse(null);
        String effective = ma.hasEffectivePeriod() ? ma.getEffectivePeriod().getStartElement().getValueAsString()
                : ma.getEffectiveDateTimeType().getValueAsString();
        Extension wasted = ma.getExtensionByUrl(Codes.KB_WASTED_AMOUNT);
        return new AdministrationRow(
                effective,
                ma.getIdElement().toUnqualifiedVersionless().getValue(),
                dose.getSystem(),
                dose.getValue(),
                ma.getSubject().getReference(),
                mrn == null ? null : mrn.getSystem(),
                mrn == null ? null : mrn.getValue(),
                word != null ? word.getCode() : rxnorm != null ? rxnorm.getDisplay() : "unknown",
                rxnorm != null ? Codes.RXNORM : null,
                rxnorm != null ? rxnorm.getCode() : null,
                ma.getStatus() == null ? null : ma.getStatus().toCode(),
                ma.hasStatusReason() ? reasonOf(ma) : null,
                amountGiven(ma),
                medication != null && medication.hasBatch() ? medication.getBatch().getLotNumber() : null,
                npiOf(ma, "performer"),
                wasted != null && wasted.getValue() instanceof Quantity q ? q.getValue() : null,
                npiOf(ma, "witness"));
    }

    /**
     * The dose, except the 0 mg that stands beside the route of a dose not done (FHIR wants a
     * dose or a rate in a dosage): nothing was given, and the log shows no amount for it.
     */
    private static BigDecimal amountGiven(MedicationAdministration ma) {
        if (!ma.getDosage().hasDose()) {
            return null;
        }
        BigDecimal dose = ma.getDosage().getDose().getValue();
        boolean notDone = ma.getStatus() == MedicationAdministration.MedicationAdministrationStatus.NOTDONE;
        return notDone && dose != null && dose.signum() == 0 ? null : dose;
    }

    private static Medication contained(MedicationAdministration ma) {
        for (Resource r : ma.getContained()) {
            if (r instanceof Medication m) {
                return m;
            }
        }
        return null;
    }

    private static Coding coding(Medication medication, String system) {
        return medication == null ? null : medication.getCode().getCoding().stream()
                .filter(c -> system.equals(c.getSystem())).findFirst().orElse(null);
    }

    private static String reasonOf(MedicationAdministration ma) {
        var reason = ma.getStatusReasonFirstRep();
        return reason.getCoding().stream().filter(c -> c.getSystem() != null && c.getSystem().startsWith(Codes.BASE + "/"))
                .map(Coding::getCode).findFirst()
                .orElse(reason.hasText() ? reason.getText() : reason.getCodingFirstRep().getCode());
    }

    private static String npiOf(MedicationAdministration ma, String function) {
        for (MedicationAdministrationPerformerComponent p : ma.getPerformer()) {
            boolean matches = p.getFunction().getCoding().stream()
                    .anyMatch(c -> Codes.PERFORM_FUNCTION.equals(c.getSystem()) && function.equals(c.getCode()));
            if (matches && p.getActor().hasIdentifier()) {
                return p.getActor().getIdentifier().getValue();
            }
        }
        return null;
    }
}
