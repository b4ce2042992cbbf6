-- The EHR's patient (issue 13, match): in an EHR that registers its patients itself, the bridge
-- finds a patient record's Patient by MRN instead of writing it. While the EHR holds no patient
-- with that MRN yet (or the clinic has no ehr.patient-identifier-system to search by), the task
-- stays PENDING, rescheduled after ehr.patient-recheck with no attempt spent, and says so here:
--   awaiting   'EHR_PATIENT' while it waits for the EHR's patient; null otherwise (every other
--              outcome clears it). GET /api/v1/clinics/{id}/sync counts these apart from the
--              tasks merely due, so clinic IT sees which patients the EHR does not hold yet.
alter table sync_task add column awaiting varchar(32);
