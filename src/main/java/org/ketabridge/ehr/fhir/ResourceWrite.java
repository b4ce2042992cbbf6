package org.ketabridge.ehr.fhir;

import org.ketabridge.ehr.WriteResult;

/**
 * What writing one resource of a record came to: the EHR's reference to it ({@code Type/id}, which
 * the record's later resources refer to), or an answer that ends the record's write ({@code stop}).
 * {@code notSent}: the EHR holds the resource at {@code reference} but takes no change to it
 * ({@code create-only}), so this version of it was not sent; why, in words for clinic IT.
 */
record ResourceWrite(String reference, WriteResult stop, String notSent) {

    static ResourceWrite at(String reference) {
        return new ResourceWrite(reference, null, null);
    }

    static ResourceWrite stop(WriteResult result) {
        return new ResourceWrite(null, result, null);
    }

    /** The EHR holds an earlier body of the resource, at {@code reference}, and takes no change to it. */
    static ResourceWrite notSent(String reference, String why) {
        return new ResourceWrite(reference, null, why);
    }
}
