-- When a record version reaches its EHR, the auditors' store records that too (a Provenance:
-- when, and as what id): delivery_pending marks a version whose delivery is not in the store yet.
alter table store_task add column delivery_pending boolean default false not null;
