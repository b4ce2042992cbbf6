-- A replayed dead letter is a new attempt at the EHR, not a resend: its HL7 v2 message needs a
-- control id (MSH-10) the EHR has not seen, or an EHR that drops repeats by control id drops it
-- (or answers again what it answered before). replays counts the replays of the task; only a
-- replay (one or all) bumps it, never an automatic retry or a resend after a crash.
alter table sync_task add column replays integer default 0 not null;

-- The due query of an HL7 v2 clinic (patient order) looks up the older tasks of a task's patient
-- through that patient's versions in the clinic: (clinic_id, patient_mrn). V8's
-- record_version_patient has kind between them, so it serves that lookup only by its clinic.
create index record_version_clinic_patient on record_version (clinic_id, patient_mrn);
