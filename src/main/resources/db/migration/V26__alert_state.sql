-- Alerts (issue 17): each clinic's alert events as last evaluated, and what its webhook was told.
-- One row per clinic and event, made the first time the event fires. A restart neither fires an
-- event again (its status is here) nor forgets a notification not yet delivered: the row is also
-- the outbox. A notification is due while status differs from notified_status (null: the receiver
-- was told nothing, as if resolved); a condition that clears before its firing was delivered owes
-- the receiver nothing. body is the notification of the last change, as sent: ids and counts,
-- never patient data. transition numbers the changes (the notification's id names it).
create table alert_state (
    clinic_id        varchar(64)  not null,
    event            varchar(40)  not null,
    status           varchar(16)  not null,
    changed_at       timestamp with time zone not null,
    transition       bigint       not null,
    body             text         not null,
    notified_status  varchar(16),
    attempts         integer      not null,
    next_attempt_at  timestamp with time zone not null,
    last_error       varchar(200),
    constraint alert_state_pk primary key (clinic_id, event)
);

-- Intake refusing most of a clinic's records: its receipts of the last half hour, found by index
-- rather than by reading every receipt ever written, at each evaluation.
create index receipt_clinic_received on receipt (clinic_id, received_at);
