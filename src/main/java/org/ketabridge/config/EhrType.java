package org.ketabridge.config;

public enum EhrType {
    /** An EHR's FHIR R4 REST API. */
    FHIR,
    /** Store only: records are kept and served, never sent anywhere. */
    NONE
}
