package org.ketabridge.ehr.fhir;

import org.ketabridge.ehr.WriteResult;

/**
 * What writing one resource of a record came to: the EHR's reference to it ({@code Type/id}, which
 * the record's later resources refer to), or an answer that ends the record's write ({@code stop}).
 */
record ResourceWrite(String reference, WriteResult stop) {

    static ResourceWrite at(String reference) {
        return new ResourceWrite(reference, null);
    }

    static ResourceWrite stop(WriteResult result) {
        return new ResourceWrite(null, result);
    }
}
