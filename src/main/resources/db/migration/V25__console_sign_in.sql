-- The web console (issue 17): the sign-in links spent. A link (a token signed by the local key,
-- issue-token --console) opens one session, once: its jti is kept here until the link would have
-- expired anyway, so a second use is refused, by this bridge after a restart and by every bridge
-- on the same database.
create table console_sign_in (
    jti         varchar(64)  not null,
    used_at     timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    constraint console_sign_in_pk primary key (jti)
);
create index console_sign_in_expires on console_sign_in (expires_at);
