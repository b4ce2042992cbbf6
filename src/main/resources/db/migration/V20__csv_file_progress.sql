-- CSV drops (issue 15). A file is read in parts (1,000 rows per transaction by default), each part
-- committed with the file's progress, so a restarted bridge resumes after the last committed row
-- and never applies a row twice.

-- One row per file content a clinic dropped: which receipt it fills and how many of its rows
-- (data rows, after the header) are committed. Keyed by content, so the same file dropped again,
-- under any name, is known: it changes nothing. finished_at is set once every row is committed.
create table intake_file (
    clinic_id       varchar(64)  not null,
    content_hash    varchar(64)  not null,
    file_name       varchar(255) not null,
    size_bytes      bigint       not null,
    receipt_id      varchar(36)  not null references receipt (receipt_id),
    rows_committed  bigint       not null,
    started_at      timestamp with time zone not null,
    finished_at     timestamp with time zone,
    constraint intake_file_pk primary key (clinic_id, content_hash)
);
create index intake_file_receipt on intake_file (receipt_id);
-- A clinic's files, the latest first (GET /api/v1/clinics/{id}/files).
create index intake_file_started on intake_file (clinic_id, started_at);

-- A receipt filled in parts (a CSV file): each part's refused rows, warnings and lines, as the
-- receipt's own columns hold them for a request (V7), written once with the part's rows, so a
-- million-row file never rewrites one growing document. Read a page of parts at a time (the
-- receipt API), or the parts that refused rows (rejected_count > 0) for the file's report.
create table receipt_part (
    receipt_id      varchar(36) not null references receipt (receipt_id),
    first_row       bigint      not null,
    rejected_count  int         not null,
    rejections      text        not null,
    warnings        text        not null,
    items           text        not null,
    constraint receipt_part_pk primary key (receipt_id, first_row)
);

-- Record version ids handed out 1,000 at a time rather than 32. On H2, an identity column whose
-- cached block runs out commits its new bound as a transaction of its own, and with WRITE_DELAY=0
-- every commit writes the store's changed pages: every 32 new versions cost a write of all the
-- pages the running part had changed so far (a fifth of the time of a 1,000-row part of a file,
-- BENCHMARKS.md, CSV drops). On PostgreSQL each connection takes its own block: ids leave gaps
-- and are not in insert order across connections, which nothing relies on (versions of a record
-- are ordered by version).
alter table record_version alter column id set cache 1000;
