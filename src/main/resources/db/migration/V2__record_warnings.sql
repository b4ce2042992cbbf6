-- Plausibility warnings found at intake (they never reject): kept with the version they were
-- found on, sent with it as notes, shown in its receipt. Field names and texts, no values.
alter table record_version add column warnings varchar(4000);
alter table receipt add column warnings varchar(100000);
