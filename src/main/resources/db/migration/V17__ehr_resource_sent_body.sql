-- Create-patch (issue 13): an EHR that takes later versions only as a JSON Patch (Oracle Health's
-- Patient and Encounter) is sent the difference between the body the bridge last sent and the one
-- it sends now, so that what the EHR added to the resource is never removed or overwritten. That
-- needs the body last sent, kept beside its hash (sent_hash), written with it on every CREATING
-- and CREATED. Null for rows written before this version: such a resource cannot be patched (the
-- bridge cannot tell what it owns), and says so.
-- `text` is an unbounded string on both databases (on H2, a varchar of 10^9).
alter table ehr_resource add column sent_body text;
