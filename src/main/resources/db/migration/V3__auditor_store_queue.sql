-- The durable queue towards the auditors' FHIR store (/fhir): one task per record version, for
-- every clinic (store-only clinics included), independent of the EHR's queue so that an EHR
-- outage never keeps a record from the auditors. status: PENDING (due at next_attempt_at),
-- STORED. A failure stays PENDING with its last error and backs off: the store is the bridge's
-- own database, so there is no dead letter; the error is visible in the clinic's sync status.
create table store_task (
    record_version_id bigint       primary key references record_version (id),
    clinic_id         varchar(64)  not null,
    status            varchar(16)  not null,
    attempts          integer      not null,
    next_attempt_at   timestamp with time zone not null,
    last_error        varchar(4000),
    stored_at         timestamp with time zone,
    created_at        timestamp with time zone not null
);
create index store_task_due on store_task (status, next_attempt_at);
