-- The validation gate's shapes (issue 16, warm restarts): a restarted bridge passes records of a
-- shape admitted before at once, without waiting for HAPI's validator to load, and never admits a
-- shape that failed. shape_key is the key itself (Base64 of a SHA-256: ShapeKey), which already
-- includes the versions its verdict depends on; they are kept readably too, and a start loads only
-- the rows of its own versions (rows of other versions are history: they can never match again).
--   state            ADMITTED (the full validator passed distinct_passes different records of it)
--                    or FAILED (an error in a record of it, or a tripwire disagreement: for good);
--   hapi_version     HAPI FHIR's version; validator_settings: ResourceValidator's settings;
--   definitions      the digest of fhir-mapping/'s CodeSystems and profiles the validator loads.
-- No patient data: a key is a digest of structure, codes and urls, never of values.
create table gate_shape (
    shape_key          varchar(64)   primary key,
    state              varchar(16)   not null,
    distinct_passes    integer       not null,
    hapi_version       varchar(64)   not null,
    validator_settings varchar(1000) not null,
    definitions        varchar(64)   not null,
    updated_at         timestamp with time zone not null
);
create index gate_shape_versions on gate_shape (hapi_version, definitions);
