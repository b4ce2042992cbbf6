-- One writer per task (issue 13): a sync task is held by exactly one writer at a time, by a claim
-- in this table rather than only by a thread, so that nothing sends one record twice at once, in
-- one bridge process or in several sharing this database. A writer is one bridge process, named
-- by its process id and a UUID made when it starts.
--   claimed_by     the writer that holds the task now (null: nobody);
--   claimed_until  the end of its lease. The holder renews the lease while it works on the task;
--                  a claim whose lease has ended (its writer died) may be taken by the next
--                  writer. Every outcome a writer records (sent, retry, waiting, dead) applies
--                  only while it still holds the claim, and ends it.
alter table sync_task add column claimed_by varchar(64);
alter table sync_task add column claimed_until timestamp with time zone;
