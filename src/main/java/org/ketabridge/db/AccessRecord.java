package org.ketabridge.db;

import java.time.Instant;
import java.util.Set;

/**
 * One request to the bridge's API or /fhir, as the audit trail keeps it. {@code subject},
 * {@code issuer} and {@code role} come from a verified token only (null when there was none, or
 * it was refused); {@code clinicId} is the clinic whose partition holds the AuditEvent (null: the
 * default partition, seen by admins); {@code patientReference} the patient it concerned, when the
 * request names one.
 */
public record AccessRecord(
        long id,
        String requestId,
        Instant occurredAt,
        String subject,
        String issuer,
        String role,
        Set<String> tokenClinics,
        String clientAddress,
        String method,
        String path,
        String query,
        int status,
        String clinicId,
        String patientReference) {

    public AccessRecord withStatus(int newStatus) {
        return new AccessRecord(id, requestId, occurredAt, subject, issuer, role, tokenClinics, clientAddress, method, path,
                query, newStatus, clinicId, patientReference);
    }

    /** Whether the request reached the auditors' FHIR endpoint (else the bridge's API). */
    public boolean isFhir() {
        return path.equals("/fhir") || path.startsWith("/fhir/");
    }
}
