package org.ketabridge.ehr.fhir;

import org.ketabridge.ehr.EhrUnavailableException;

/**
 * The EHR could not be reached at all (no connection: refused, or not made in time), so the
 * request was certainly not sent: a create that failed so is known not to be in the EHR (issue
 * 13, create-update). Otherwise handled like any {@link EhrUnavailableException}.
 */
class NotSentException extends EhrUnavailableException {

    NotSentException(String message) {
        super(message, null);
    }
}
