package org.ketabridge.config;

public enum WriteMode {
    /** One FHIR transaction Bundle per record (and the resources it brings, such as vitals). */
    TRANSACTION,
    /** One conditional PUT per resource, for EHRs without transaction support. */
    PER_RESOURCE
}
