package org.ketabridge.audit;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The patient a /fhir request names, for the audit trail: {@code Patient/{id}} in its path, or a
 * {@code patient} or {@code subject} search parameter that is a Patient reference. Searches that
 * reach patients otherwise (by identifier, by code) name none: the AuditEvent then has the query
 * itself, from which an auditor can tell what was asked.
 */
final class PatientOfRequest {

    private static final Pattern PATIENT_PATH = Pattern.compile("^/fhir/Patient/([A-Za-z0-9\\-.]{1,64})(/.*)?$");
    private static final Pattern PATIENT_ID = Pattern.compile("^(?:Patient/)?([A-Za-z0-9\\-.]{1,64})$");

    private PatientOfRequest() {
    }

    static String of(String path, Map<String, String[]> parameters) {
        Matcher m = PATIENT_PATH.matcher(path);
        if (m.matches()) {
            return "Patient/" + m.group(1);
        }
        if (!path.startsWith("/fhir")) {
            return null;
        }
        for (String name : new String[] {"patient", "subject", "subject:Patient"}) {
            String[] values = parameters.get(name);
            if (values != null && values.length == 1) {
                Matcher id = PATIENT_ID.matcher(values[0]);
                if (id.matches()) {
                    return "Patient/" + id.group(1);
                }
            }
        }
        return null;
    }
}
