-- The intake looks up the latest versions of a request's records with `record_id in (...)`
-- inside one clinic and kind. With the unique index ordered (clinic_id, kind, record_id, version)
-- H2 used only its first two columns and read every version of the clinic's records of that
-- kind, once per 500 ids: intake's cost grew with the store. With record_id first, each id is
-- one index lookup, on H2 and PostgreSQL alike; lookups with all three columns are unchanged.
alter table record_version drop constraint record_version_unique;
alter table record_version add constraint record_version_unique unique (record_id, clinic_id, kind, version);

-- A patient's records of one kind (a score's series, for outcome tracking) without reading
-- the clinic's whole history.
create index record_version_patient on record_version (clinic_id, kind, patient_mrn);
