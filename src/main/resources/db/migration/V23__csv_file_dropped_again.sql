-- CSV drops: content dropped again after it was read to the end is read again, with a receipt of
-- its own (the records may have changed since: content different from what is stored is an
-- update; rows equal to the stored content come out unchanged). So one content of a clinic may
-- have several files, one per drop; only an unfinished one is resumed. A file is its receipt.
alter table intake_file drop constraint intake_file_pk;
alter table intake_file add constraint intake_file_pk primary key (receipt_id);
-- The unfinished file of a content, to resume it.
create index intake_file_content on intake_file (clinic_id, content_hash);
