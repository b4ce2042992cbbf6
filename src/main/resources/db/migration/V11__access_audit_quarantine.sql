-- A row the auditors' store refuses must not hold up the rows behind it (issue 11, item 5). The
-- forwarder counts a row's failed attempts when it is sent alone and, after a few, sets it
-- aside: quarantined_at set, the row kept (never deleted) with the kind of error, counted for
-- admins (metric ketabridge.access-audit.quarantined). Only rows neither stored nor quarantined
-- are due.
alter table access_audit add column forward_attempts integer default 0 not null;
alter table access_audit add column quarantined_at timestamp with time zone;
alter table access_audit add column forward_error varchar(300);
create index access_audit_due on access_audit (stored_at, quarantined_at, id);
