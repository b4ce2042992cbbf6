package org.ketabridge.config;

public enum WriteMode {
    /** One FHIR transaction Bundle per record (and the resources it brings, such as vitals). */
    TRANSACTION,
    /** One conditional PUT per resource, for EHRs without transaction support. */
    PER_RESOURCE,
    /**
     * Opt-in (issue 13): the bridge reads the EHR's CapabilityStatement and writes with
     * {@link #TRANSACTION} when it declares transaction and conditional update for every type the
     * bridge writes, else with {@link #PER_RESOURCE} ({@code ehr/fhir/EhrPlans} resolves it).
     */
    AUTO
}
