package org.ketabridge.mapping.rems;

/** Why an item of the form could not be filled: the codes of fhir-mapping/CodeSystem-rems-unfilled-reason.json. */
enum UnfilledReason {
    NO_DOSE("no-dose"),
    NO_LOT("no-lot"),
    NO_END_OF_MONITORING("no-end-of-monitoring"),
    MONITORING_UNDER_120_MINUTES("monitoring-under-120-minutes"),
    MEDICATIONS_NOT_RECORDED("medications-not-recorded"),
    READY_TO_LEAVE_NOT_RECORDED("ready-to-leave-not-recorded"),
    EVENTS_NOT_RECORDED("events-not-recorded"),
    NO_BLOOD_PRESSURE_BEFORE_DOSE("no-blood-pressure-before-dose"),
    NO_BLOOD_PRESSURE_NEAR_40_MINUTES("no-blood-pressure-near-40-minutes"),
    NO_BLOOD_PRESSURE_BEFORE_END("no-blood-pressure-before-end"),
    CLINICIAN_ATTESTATION("clinician-attestation");

    static final String CODE_SYSTEM = "rems-unfilled-reason";

    private final String code;

    UnfilledReason(String code) {
        this.code = code;
    }

    String code() {
        return code;
    }
}
