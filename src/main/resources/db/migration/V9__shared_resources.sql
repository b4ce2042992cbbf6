-- Resources that several records share (the clinic's Organization, a series' EpisodeOfCare) are
-- written by one sync task at a time and then referred to by the id the EHR gave them, never
-- created again: a FHIR server's conditional writes are not race-proof, and two encounters of
-- one series writing its EpisodeOfCare at once made the EHR hold it twice.
-- One row per shared resource of a clinic, by resource type and identifier value:
--   ehr_reference  what the EHR calls it ("EpisodeOfCare/123"), once written;
--   content_hash   SHA-256 of the content last written (a change is written again, one task at a time);
--   claimed_by     the sync task writing it now (a claim holds only while that task is PENDING);
--   alarm_task     the dead task whose write found several matches: the EHR holds duplicates, and
--                  what needs the resource waits until clinic IT repairs the EHR and replays it.
create table shared_resource (
    clinic_id        varchar(64)  not null,
    resource_type    varchar(64)  not null,
    identifier_value varchar(64)  not null,
    ehr_reference    varchar(300),
    content_hash     varchar(64),
    claimed_by       bigint,
    alarm_task       bigint,
    updated_at       timestamp with time zone not null,
    primary key (clinic_id, resource_type, identifier_value)
);

-- An alarm on a dead letter: not a bad record but an EHR clinic IT must look at
-- (EHR_HOLDS_DUPLICATES: a conditional write matched several resources), and of which resource type.
alter table sync_task add column alarm varchar(64);
alter table sync_task add column alarm_resource_type varchar(64);
