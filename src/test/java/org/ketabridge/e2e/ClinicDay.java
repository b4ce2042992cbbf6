package org.ketabridge.e2e;

import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.score;

/**
 * A clinic's day of records, as the end-to-end tests send it: a dose before its patient and
 * encounter, two patients, two encounters, two doses, three scores (a response to the baseline
 * among them), an esketamine session with contract 1.1's fields, unchanged resends, and corrections of a
 * patient, a dose and the session's adverse events. 10 records, 13 versions.
 */
final class ClinicDay {

    /** Sends one NDJSON body of records of one kind to a clinic (and asserts it was accepted). */
    interface Poster {
        void post(String clinic, String kind, String ndjsonBody) throws Exception;
    }

    private ClinicDay() {
    }

    static void send(String clinic, Poster poster) throws Exception {
        // A dose arrives first, before its patient and its encounter.
        poster.post(clinic, "doses", ndjson(dose("D-100", "E-10", "MRN-1")));
        poster.post(clinic, "patients", ndjson(patient("MRN-1", "Rivera"), patient("MRN-2", "Okafor")));
        poster.post(clinic, "encounters", ndjson(encounter("E-10", "MRN-1"), encounter("E-20", "MRN-2")));
        poster.post(clinic, "doses", ndjson(dose("D-200", "E-20", "MRN-2")));
        poster.post(clinic, "scores", ndjson(
                score("S-10", "E-10", "MRN-1", 2, 2, 2, 1, 1, 2, 1, 1, 0),
                score("S-20", "E-20", "MRN-2", 1, 1, 1, 1, 0, 0, 0, 0, 0)));
        // A later PHQ-9 of MRN-1, less than half its baseline (12): a response, derived from both scores.
        poster.post(clinic, "scores", ndjson("{\"scoreId\":\"S-11\",\"patientMrn\":\"MRN-1\",\"instrument\":\"PHQ-9\","
                + "\"total\":5,\"effective\":\"2026-10-12T08:45:00\",\"timing\":\"pre-session\"}"));
        // Unchanged resends: nothing new anywhere.
        poster.post(clinic, "patients", ndjson(patient("MRN-2", "Okafor")));
        poster.post(clinic, "doses", ndjson(dose("D-200", "E-20", "MRN-2")));
        // Changed resends: corrections that must become a second version of the same resource.
        poster.post(clinic, "patients", ndjson(patient("MRN-1", "Rivera-Lopez")));
        poster.post(clinic, "doses", ndjson(dose("D-100", "E-10", "MRN-1", 40)));
        poster.post(clinic, "encounters", ndjson(esketamineSession("[\"sedation\"]")));
        // Recorded again as none: the same Observation, in its next version.
        poster.post(clinic, "encounters", ndjson(esketamineSession("[]")));
    }

    /** MRN-2's esketamine session, with the REMS monitoring form's fields the other records do not carry. */
    private static String esketamineSession(String adverseEvents) {
        return "{\"encounterId\":\"E-30\",\"patientMrn\":\"MRN-2\",\"status\":\"finished\","
                + "\"start\":\"2026-10-12T13:00:00\",\"end\":\"2026-10-12T15:10:00\",\"modality\":\"intranasal\","
                + "\"concomitantMedications\":[\"benzodiazepine\"],\"readyToLeaveMinutes\":95,"
                + "\"adverseEvents\":" + adverseEvents + "}";
    }
}
