package org.ketabridge.config;

public enum EhrType {
    /** An EHR's FHIR R4 REST API. */
    FHIR,
    /** An EHR's HL7 v2 interface over MLLP (issue 14). */
    HL7V2,
    /** Store only: records are kept and served, never sent anywhere. */
    NONE
}
