-- A record version whose FHIR passed validation. The EHR's copy and the auditors' store's copy
-- of a version come from the same mapper and differ only in reference targets (which the
-- validator checks for form, never fetches), so whichever path maps a version first validates
-- it and the other reuses the verdict. Only passes are kept: a failure is found again by both.
create table validated_version (
    record_version_id bigint primary key references record_version (id),
    validated_at      timestamp with time zone not null
);
