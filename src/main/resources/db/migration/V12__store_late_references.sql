-- References in the auditors' store whose target was not stored yet when the resource that makes
-- them was (a dose stored before its patient or encounter). HAPI indexes a reference only when its
-- target exists at write time (referential integrity on write is off, and nothing reindexes the
-- referrer when the target arrives later), so such a dose was never found by subject, _include
-- or _revinclude. Each row: a resource (source) to reindex once its target is stored, in the
-- clinic's partition. Rows go when the source is reindexed.
create table store_late_reference (
    clinic_id  varchar(64)  not null,
    target     varchar(200) not null,
    source     varchar(200) not null,
    created_at timestamp with time zone not null,
    primary key (clinic_id, target, source)
);

-- Resources stored before this version may lack such references in HAPI's index: the store
-- reindexes everything it holds once (HAPI's REINDEX batch job), at its next start, and then
-- deletes this row.
create table store_maintenance (
    task       varchar(64) primary key,
    created_at timestamp with time zone not null
);
insert into store_maintenance (task, created_at) values ('reindex-late-references', current_timestamp);
