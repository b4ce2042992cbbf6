-- Which line of a receipt became which version (or was unchanged) is now kept in the receipt
-- itself, as one JSON document ([{"line":1,"outcome":"CREATED","recordVersionId":42}, ...]),
-- written once per request. A row per line cost durable accept about as much as the record's
-- own version row (BENCHMARKS.md, "Durable accept"), and the lines are only ever read as a
-- whole receipt. `text` is an unbounded string on both databases (on H2, a varchar of 10^9).
alter table receipt add column items text;
update receipt r set items = (
    select '[' || string_agg('{"line":' || i.line || ',"outcome":"' || i.outcome
                             || '","recordVersionId":' || i.record_version_id || '}', ',' order by i.line) || ']'
    from receipt_item i where i.receipt_id = r.receipt_id);
update receipt set items = '[]' where items is null;
alter table receipt alter column items set not null;
drop table receipt_item;

-- A request of up to 16 MB can be refused line by line: its rejections and warnings must fit.
alter table receipt alter column rejections set data type text;
alter table receipt alter column warnings set data type text;
