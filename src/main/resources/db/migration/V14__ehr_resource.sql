-- Never create twice (issue 13, create-update): every resource the bridge creates in an EHR by a
-- plain POST (an EHR without conditional writes), by the bridge's own identity of it. The row is
-- written and committed BEFORE the POST is sent, so that neither a crash nor a lost answer can
-- lead to a blind second POST: whoever finds the row not CREATED looks the resource up first.
--   state            CREATING (POST about to be sent / in flight), UNCERTAIN (sent, answer lost:
--                    the EHR may hold it), CREATED (the EHR's id and version known);
--   ehr_id           the id the EHR gave it ("123" of Observation/123), once known;
--   ehr_version      its version (from Location .../_history/n, ETag W/"n" or meta.versionId);
--   sent_hash        SHA-256 of the body last sent (a body identical to it is not sent again);
--   task_id          the sync task that wrote it last; attempt_at: when that write began.
-- identifier_system is '' for a resource the bridge names by an id of its own (Provenance).
create table ehr_resource (
    clinic_id         varchar(64)  not null,
    resource_type     varchar(64)  not null,
    identifier_system varchar(300) not null,
    identifier_value  varchar(200) not null,
    state             varchar(16)  not null,
    ehr_id            varchar(128),
    ehr_version       varchar(64),
    sent_hash         varchar(64),
    task_id           bigint,
    attempt_at        timestamp with time zone,
    updated_at        timestamp with time zone not null,
    primary key (clinic_id, resource_type, identifier_system, identifier_value)
);
